using Jiayi.Data;
using Jiayi.Data.FollowUps;
using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Records;

public sealed record FollowUpView(Guid Id, Guid ResidentId, string ResidentName, string FormId, DateOnly DueOn, string Title, string Status, Guid? SourceInstanceId, Guid? DoneRecordId, DateTime? CompletedAt);

public sealed record FollowUpPage(IReadOnlyList<FollowUpView> Items, int Total, int Page, int PageSize);

/// <summary>
/// Follow-ups scheduled by workflows (<c>followup</c> actions), in the caller's data scope: pending ones by due
/// date, done ones with the record that fulfilled them. Follow-up plans by programme arrive with issue 5.
/// </summary>
public static class FollowUpEndpoints
{
    private static readonly string[] Parameters = ["status", "form", "resident", "from", "to", "page", "pageSize"];

    public static void MapFollowUpEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/followups", async Task<Ok<FollowUpPage>> (HttpContext http, IDbContextFactory<JiayiDbContext> databases, CancellationToken ct) =>
            {
                var query = http.Request.Query;
                var errors = new List<ValidationError>();
                QueryValues.RejectUnknown(query, Parameters, errors);
                var status = QueryValues.Text(query, "status") ?? FollowUpStatus.Pending;
                if (status is not (FollowUpStatus.Pending or FollowUpStatus.Done or FollowUpStatus.Cancelled))
                {
                    errors.Add(new ValidationError("/status", "enum", "status 应为 pending（待随访）、done（已完成）或 cancelled（已取消）"));
                }

                var form = QueryValues.Text(query, "form");
                var resident = QueryValues.Id(query, "resident", "居民 resident", errors);
                var (from, to) = QueryValues.DateRange(query, errors);
                var (page, size) = QueryValues.Paging(query, 50, 200, errors);
                if (errors.Count > 0)
                {
                    throw ProblemException.Invalid(errors);
                }

                var me = await http.AccessAsync();
                var scope = me.ScopePath;
                await using var db = await databases.CreateDbContextAsync(ct);
                var items = db.FollowUps.AsNoTracking().Where(f => f.Status == status && f.OrgPath.StartsWith(scope));
                items = form is null ? items : items.Where(f => f.FormId == form);
                items = resident is null ? items : items.Where(f => f.ResidentId == resident);
                items = from is null ? items : items.Where(f => f.DueOn >= from);
                items = to is null ? items : items.Where(f => f.DueOn <= to);
                var total = await items.CountAsync(ct);
                var rows = await items.OrderBy(f => f.DueOn).ThenBy(f => f.Id).Skip((page - 1) * size).Take(size)
                    .Join(db.Residents, f => f.ResidentId, r => r.Id, (f, r) => new FollowUpView(f.Id, f.ResidentId, r.Name, f.FormId, f.DueOn, f.Title, f.Status, f.SourceInstanceId, f.DoneRecordId, f.CompletedAt))
                    .ToListAsync(ct);
                return TypedResults.Ok(new FollowUpPage(rows, total, page, size));
            })
            .WithTags("记录")
            .RequirePermission(FormPermissions.RecordsRead)
            .WithSummary("流程安排的随访（如签约生效后首次随访）：status=pending 待随访（按到期日）、done 已完成（附完成它的记录）；可按 form、resident、from、to（到期日）筛选")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }
}
