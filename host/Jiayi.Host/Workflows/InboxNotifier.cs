using Jiayi.Data;
using Jiayi.Data.Workflows;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Workflows;

/// <summary>A user's inbox figures: pending work items (待办) and unread notifications.</summary>
public sealed record InboxCounts(int Pending, int Unread);

/// <summary>
/// Real-time inbox counts for the apps (<c>/hubs/inbox</c>, message <c>inbox</c> with <see cref="InboxCounts"/>).
/// Connect with the bearer token (header, or <c>access_token</c> in the query for WebSockets) or the web cookie.
/// </summary>
[Authorize]
public sealed class InboxHub(InboxNotifier notifier) : Hub
{
    public const string Path = "/hubs/inbox";

    public const string Message = "inbox";

    /// <summary>Sends the caller their counts as soon as they connect.</summary>
    public override async Task OnConnectedAsync()
    {
        if (Guid.TryParse(Context.UserIdentifier, out var user))
        {
            await Clients.Caller.SendAsync(Message, await notifier.CountsAsync(user, Context.ConnectionAborted));
        }

        await base.OnConnectedAsync();
    }
}

/// <summary>
/// Tells users that their inbox changed: through SignalR to the apps, and through <see cref="Changed"/> to the
/// web platform's pages in this process (a Blazor Server page is already a live connection).
/// </summary>
public sealed class InboxNotifier(IDbContextFactory<JiayiDbContext> databases, IHubContext<InboxHub> hub)
{
    /// <summary>Raised with the user whose counts changed.</summary>
    public event Action<Guid>? Changed;

    public async Task<InboxCounts> CountsAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var pending = await db.WorkItemAssignees.Where(a => a.UserId == userId)
            .Join(db.WorkItems, a => a.WorkItemId, w => w.Id, (a, w) => w)
            .CountAsync(w => w.Status == WorkItemStatus.Pending, cancellationToken);
        var unread = await db.Notifications.CountAsync(n => n.UserId == userId && n.ReadAt == null, cancellationToken);
        return new InboxCounts(pending, unread);
    }

    public async Task PushAsync(IEnumerable<Guid> users, CancellationToken cancellationToken)
    {
        foreach (var user in users.Distinct())
        {
            await hub.Clients.User(user.ToString()).SendAsync(InboxHub.Message, await CountsAsync(user, cancellationToken), cancellationToken);
            Changed?.Invoke(user);
        }
    }
}
