using Jiayi.Data;
using Jiayi.Host.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Workflows;

/// <summary>A notification as the top bar lists it.</summary>
public sealed record NotificationView(Guid Id, string Title, string? Message, string? Link, DateTime CreatedAt, bool Read);

/// <summary>
/// A user's own notifications (通知) for the web platform's bell: the latest ones, and marking them read
/// (which pushes the new unread count to the user's pages and apps).
/// </summary>
public sealed class UserNotifications(IDbContextFactory<JiayiDbContext> databases, InboxNotifier inbox, Clock clock)
{
    public async Task<IReadOnlyList<NotificationView>> LatestAsync(Guid userId, int count, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Notifications.AsNoTracking().Where(n => n.UserId == userId)
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(count)
            .Select(n => new NotificationView(n.Id, n.Title, n.Message, n.Link, n.CreatedAt, n.ReadAt != null))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Marks all of the user's unread notifications read; pushes the counts only when something changed.</summary>
    public async Task MarkAllReadAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = clock.UtcNow;
        var marked = await db.Notifications.Where(n => n.UserId == userId && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
        if (marked > 0)
        {
            await inbox.PushAsync([userId], cancellationToken);
        }
    }
}
