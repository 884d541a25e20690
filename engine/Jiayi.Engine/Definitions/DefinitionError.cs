namespace Jiayi.Engine.Definitions;

/// <summary>One located problem in a definition: which file, where in it (JSON pointer), and why (Chinese).</summary>
public sealed record DefinitionError(string Source, string Path, string Message)
{
    public override string ToString() => $"{Source} {(Path.Length == 0 ? "/" : Path)}：{Message}";
}

/// <summary>A definition that cannot be loaded. Nothing of it is used: it carries every problem found.</summary>
public sealed class DefinitionException : Exception
{
    public DefinitionException(IReadOnlyList<DefinitionError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public DefinitionException()
        : this([])
    {
    }

    public DefinitionException(string message)
        : this([new DefinitionError("", "", message)])
    {
    }

    public DefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new DefinitionError("", "", message)];
    }

    public IReadOnlyList<DefinitionError> Errors { get; }

    private static string Describe(IReadOnlyList<DefinitionError> errors) =>
        errors.Count == 0
            ? "定义无效"
            : $"定义无效（{errors.Count} 处问题）：" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
