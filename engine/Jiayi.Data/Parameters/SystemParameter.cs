namespace Jiayi.Data.Parameters;

/// <summary>The current value of a system parameter (the catalogue of parameters is a definition file).</summary>
public sealed class SystemParameterValue
{
    public required string Key { get; init; }

    /// <summary>The value as JSON (a number, string or boolean).</summary>
    public required string Value { get; set; }

    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;

    public string? UpdatedBy { get; set; }
}

/// <summary>A change of a system parameter, kept for ever.</summary>
public sealed class SystemParameterChange
{
    public long Id { get; init; }

    public required string Key { get; init; }

    public string? OldValue { get; init; }

    public required string NewValue { get; init; }

    public required DateTime ChangedAt { get; init; }

    public string? ChangedBy { get; init; }

    public string? Reason { get; init; }
}
