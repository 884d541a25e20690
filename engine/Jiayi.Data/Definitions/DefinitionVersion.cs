namespace Jiayi.Data.Definitions;

/// <summary>
/// One stored version of a definition of a kind that has no table of its own (programmes, service types; see
/// ADR 0014). Like form versions, a stored version never changes.
/// </summary>
public sealed class DefinitionVersion
{
    /// <summary>See <see cref="DefinitionKinds"/>.</summary>
    public required string Kind { get; init; }

    public required string DefinitionId { get; init; }

    public required int Version { get; init; }

    public required string Title { get; init; }

    public required string Content { get; init; }

    public required string ContentHash { get; init; }

    public required string Status { get; init; }

    public required string Source { get; init; }

    public required DateTime CreatedAt { get; init; }
}

public static class DefinitionKinds
{
    public const string Programme = "programme";
    public const string ServiceTypes = "service-types";
}
