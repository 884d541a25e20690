namespace Jiayi.Data.Definitions;

/// <summary>
/// One stored version of a form definition. A published version never changes: records point at
/// (FormId, Version) and are always shown and validated with it.
/// </summary>
public sealed class FormDefinitionVersion
{
    public required string FormId { get; init; }

    public required int Version { get; init; }

    public required string Title { get; init; }

    /// <summary>The canonical definition text (see <c>FormLoader.ToCanonicalJson</c>).</summary>
    public required string Content { get; init; }

    /// <summary>SHA-256 of <see cref="Content"/>: how a changed shipped file is recognised.</summary>
    public required string ContentHash { get; init; }

    public required string Status { get; init; }

    /// <summary>Where the version came from, e.g. <c>definitions/forms/phq9.json</c>.</summary>
    public required string Source { get; init; }

    public required DateTime CreatedAt { get; init; }
}

public static class DefinitionStatus
{
    public const string Published = "published";
    public const string Draft = "draft";
}
