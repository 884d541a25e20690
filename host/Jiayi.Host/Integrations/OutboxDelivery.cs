using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Jiayi.Data;
using Jiayi.Data.Integrations;
using Jiayi.Host.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Integrations;

/// <summary>
/// Delivers outbox messages to the external platforms (<c>Integrations:&lt;key&gt;:Url</c>, <c>:Secret</c> in
/// configuration): a POST of the JSON event with <c>Idempotency-Key</c> (the event id, the same on every
/// attempt) and <c>X-Signature: sha256=&lt;HMAC-SHA256 of the body&gt;</c>. A 2xx answer delivers it; anything
/// else is retried after 1, 2, 4 … minutes (at most an hour apart) until <see cref="MaxAttempts"/>, then the
/// message is kept as failed with the last error. Each attempt first takes a five-minute lease on the row, so
/// two host processes never send one message at the same time.
/// </summary>
public sealed partial class OutboxDelivery(IDbContextFactory<JiayiDbContext> databases, IHttpClientFactory http, IConfiguration configuration, Clock clock, ILogger<OutboxDelivery> logger)
{
    public const string RecurringId = "outbox-delivery";
    public const string HttpClientName = "integrations";
    public const int MaxAttempts = 12;

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>Delivers every message that is due now; returns how many were delivered.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        List<Guid> due;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            var now = clock.UtcNow;
            due = await db.Outbox.AsNoTracking().Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now)
                .OrderBy(m => m.NextAttemptAt).Select(m => m.Id).Take(500).ToListAsync(cancellationToken);
        }

        var delivered = 0;
        foreach (var id in due)
        {
            if (await DeliverAsync(id, cancellationToken))
            {
                delivered++;
            }
        }

        return delivered;
    }

    /// <summary>One attempt at one message, if it is due and nobody else holds it.</summary>
    public async Task<bool> DeliverAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = clock.UtcNow;
        var claimed = await db.Outbox.Where(m => m.Id == id && m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, now + Lease).SetProperty(m => m.Attempts, m => m.Attempts + 1), cancellationToken);
        if (claimed == 0)
        {
            return false;
        }

        var message = await db.Outbox.SingleAsync(m => m.Id == id, cancellationToken);
        var (status, error) = await SendAsync(message, cancellationToken);
        var finished = clock.UtcNow;
        message.LastStatus = status;
        message.LastError = error;
        if (error is null)
        {
            message.Status = OutboxStatus.Delivered;
            message.DeliveredAt = finished;
        }
        else if (message.Attempts >= MaxAttempts)
        {
            message.Status = OutboxStatus.Failed;
            LogFailed(logger, message.Integration, message.Id, error);
        }
        else
        {
            message.NextAttemptAt = finished + TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, message.Attempts - 1)));
        }

        await db.SaveChangesAsync(cancellationToken);
        return error is null;
    }

    private async Task<(int? Status, string? Error)> SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var section = configuration.GetSection($"Integrations:{message.Integration}");
        if (!Uri.TryCreate(section["Url"], UriKind.Absolute, out var url))
        {
            return (null, $"接口“{message.Integration}”未配置地址（Integrations:{message.Integration}:Url）");
        }

        var body = Encoding.UTF8.GetBytes(message.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("Idempotency-Key", message.Id.ToString());
        if (section["Secret"] is { Length: > 0 } secret)
        {
            request.Headers.Add("X-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        }

        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return ((int)response.StatusCode, null);
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return ((int)response.StatusCode, $"对方返回 {(int)response.StatusCode}：{(text.Length > 300 ? text[..300] : text)}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (null, $"无法送达：{e.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {Id} for {Integration} failed for good: {Error}")]
    private static partial void LogFailed(ILogger logger, string integration, Guid id, string error);
}
