namespace Jiayi.Engine.Expressions;

/// <summary>The run-time kind of a <see cref="Value"/>.</summary>
public enum ValueKind : byte
{
    Null = 0,
    Number,
    Text,
    Boolean,
    Date,
    /// <summary>The codes ticked in a multi-choice field.</summary>
    List,
    /// <summary>The rows of a repeating table.</summary>
    Rows,
}
