namespace Jiayi.Host.Audit;

/// <summary>Who is acting and from where, as the system log records it.</summary>
public sealed record AuditActor(Guid? UserId, string? UserName, string? OrgPath, string? Ip)
{
    public static AuditActor System { get; } = new(null, "系统", null, null);
}

/// <summary>
/// The actor of the work in progress, flowing with the async context: set for each HTTP request (after
/// authentication), for each Blazor circuit activity, and for background jobs, and read by the audit
/// interceptor however deep the write happens.
/// </summary>
public static class AuditContext
{
    private static readonly AsyncLocal<AuditActor?> Ambient = new();

    public static AuditActor Current => Ambient.Value ?? AuditActor.System;

    /// <summary>Sets the actor until the returned scope is disposed.</summary>
    public static IDisposable Use(AuditActor actor)
    {
        var previous = Ambient.Value;
        Ambient.Value = actor;
        return new Restore(previous);
    }

    private sealed class Restore(AuditActor? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
