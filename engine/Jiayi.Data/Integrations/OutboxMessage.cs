namespace Jiayi.Data.Integrations;

/// <summary>
/// An event for an external platform, written in the same transaction as the change it reports and delivered
/// later by a background job with retries: nothing is lost when the other side is down, nothing is sent for a
/// change that rolled back.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Also the event id and the <c>Idempotency-Key</c> of every delivery attempt.</summary>
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The integration's key (its address and secret are configuration).</summary>
    public required string Integration { get; init; }

    public required string EventType { get; init; }

    public required string Payload { get; init; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    /// <summary>pending, delivered or failed (see <see cref="OutboxStatus"/>).</summary>
    public required string Status { get; set; }

    public int Attempts { get; set; }

    /// <summary>When the next attempt may start (also the lease of an attempt in progress).</summary>
    public DateTime NextAttemptAt { get; set; } = DateTime.UtcNow;

    public DateTime? DeliveredAt { get; set; }

    /// <summary>The HTTP status of the last attempt; null when it did not get an answer.</summary>
    public int? LastStatus { get; set; }

    public string? LastError { get; set; }
}

public static class OutboxStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}
