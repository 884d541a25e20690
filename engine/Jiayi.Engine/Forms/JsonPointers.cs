namespace Jiayi.Engine.Forms;

/// <summary>RFC 6901 JSON pointer helpers.</summary>
public static class JsonPointers
{
    public static string Escape(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
    }
}
