namespace Jiayi.Engine.Expressions;

/// <summary>
/// An expression that cannot be parsed or type-checked. The message is Chinese and names the
/// character position (1-based) so that a configurator can find the mistake.
/// </summary>
public sealed class ExpressionException : Exception
{
    public ExpressionException(string message, int position)
        : base(message)
    {
        Position = position;
    }

    public ExpressionException()
    {
    }

    public ExpressionException(string message)
        : base(message)
    {
    }

    public ExpressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Zero-based offset into the expression text.</summary>
    public int Position { get; }

    /// <summary>The message with the 1-based character position in front, as shown to configurators.</summary>
    public string Located => $"第 {Position + 1} 个字符处：{Message}";
}
