using System.Collections.Frozen;

namespace Jiayi.Host.Access;

/// <summary>
/// Who is asking, where they sit and what they may do, read from the database for the request (or the
/// page) at hand: a role or group change applies at the user's next request, without logging in again.
/// </summary>
public sealed class AccessInfo
{
    public required Guid UserId { get; init; }

    public required string UserName { get; init; }

    public required string DisplayName { get; init; }

    public required string UserType { get; init; }

    public required Guid OrgId { get; init; }

    public required string OrgName { get; init; }

    public required string OrgPath { get; init; }

    public Guid? TeamId { get; init; }

    /// <summary>The subtree the user may see: their team's for team members, else their organisation's.</summary>
    public required string ScopePath { get; init; }

    public required FrozenSet<string> Permissions { get; init; }

    public required bool RequiresTwoFactor { get; init; }

    /// <summary>The account's security stamp now: a cookie or token carrying another one is stale.</summary>
    public string? SecurityStamp { get; init; }

    public bool Has(string permission) => Permissions.Contains(permission);

    /// <summary>Whether a node (by its path) lies in the user's data scope.</summary>
    public bool InScope(string? path) => path is not null && path.StartsWith(ScopePath, StringComparison.Ordinal);
}
