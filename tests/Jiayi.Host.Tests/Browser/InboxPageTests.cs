using System.Globalization;
using Jiayi.Data.Contracts;
using Jiayi.Host.Access;
using Jiayi.Host.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Jiayi.Host.Tests.Browser;

/// <summary>
/// The demo doctor's 待办与已办: approving a resident's request from the inbox moves it to 已办 and lowers the
/// top bar's count at once (no reload); a batch reject answers several requests with one comment. Each test
/// makes its own fresh requests, since the browser tests share one demo host.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class InboxPageTests(BrowserFixture browser)
{
    private async Task ShootAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.Screenshots, name + ".png"), FullPage = true });

    [Fact]
    public async Task Doctor_approves_a_request_from_the_inbox_and_the_badge_drops_without_a_reload()
    {
        var (contract, resident) = (await RequestAsync(1))[0];
        var page = await browser.NewPageAsync();
        try
        {
            // Opened with the resident's name as the search, as a link from elsewhere would.
            await page.GotoAsync("inbox?q=" + Uri.EscapeDataString(resident));
            var row = page.Locator($"[data-testid='inbox-items'] tr[data-subject='{contract}']");
            await Assertions.Expect(row).ToContainTextAsync("签约初审");
            var badge = await CountAsync(page.Locator("[data-testid='inbox-badge']"));
            Assert.True(badge > 0);
            Assert.Equal(badge, await CountAsync(page.Locator("[data-testid='inbox-pending-count']")));
            await ShootAsync(page, "inbox");

            // A marker on the window survives only if the page is never reloaded.
            await page.EvaluateAsync("() => window.inboxTestMarker = 42");
            await row.Locator("[data-testid='inbox-fire-approve']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid='comment-dialog']")).ToContainTextAsync(resident);
            await page.FillAsync("[data-testid='comment-text']", "资料齐全，同意");
            await page.ClickAsync("[data-testid='comment-ok']");

            await Assertions.Expect(row).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("[data-testid='inbox-badge']")).ToHaveTextAsync((badge - 1).ToString(CultureInfo.InvariantCulture));
            await Assertions.Expect(page.Locator("[data-testid='inbox-pending-count']")).ToHaveTextAsync((badge - 1).ToString(CultureInfo.InvariantCulture));
            Assert.Equal(42, await page.EvaluateAsync<int?>("() => window.inboxTestMarker"));

            await page.ClickAsync("[data-testid='inbox-done-count']");
            await Assertions.Expect(row).ToContainTextAsync("初审通过");
            await Assertions.Expect(row).ToContainTextAsync("资料齐全，同意");
            await ShootAsync(page, "inbox-done");

            // The bell lists the latest notifications (the demo's contracts took effect) and marks them read.
            await page.ClickAsync("[data-testid='notification-bell']");
            await Assertions.Expect(page.Locator("[data-testid='notification-panel']")).ToContainTextAsync("签约已生效");
            await Assertions.Expect(page.Locator("[data-testid='notification-unread']")).ToHaveCountAsync(0);
            await ShootAsync(page, "inbox-notifications");
        }
        catch
        {
            await ShootAsync(page, "inbox-failure");
            throw;
        }

        var (state, status, history) = await browser.Factory.WithDatabaseAsync(async db =>
        {
            var c = await db.Contracts.AsNoTracking().SingleAsync(x => x.Id == contract);
            var steps = await db.WorkflowHistory.AsNoTracking().Where(h => h.InstanceId == c.InstanceId && h.Trigger == "approve")
                .Select(h => new { h.UserName, h.ToName, h.Comment }).ToListAsync();
            return (c.State, c.Status, steps);
        });
        Assert.Equal("review", state);
        Assert.Equal("待审核", status);
        var step = Assert.Single(history);
        Assert.Equal(("刘建华", "待审核", "资料齐全，同意"), (step.UserName, step.ToName, step.Comment));
    }

    [Fact]
    public async Task Doctor_rejects_two_requests_at_once_with_one_comment()
    {
        var requests = await RequestAsync(2);
        const string comment = "不在本团队服务范围，请向户籍所在地团队申请";
        var page = await browser.NewPageAsync();
        try
        {
            // Only first reviews: the demo's few plus this test's two, all on the first page.
            await page.GotoAsync("inbox?q=" + Uri.EscapeDataString("签约初审"));
            foreach (var (contract, _) in requests)
            {
                var row = page.Locator($"[data-testid='inbox-items'] tr[data-subject='{contract}']");
                await row.Locator("[data-testid='inbox-select']").ClickAsync();
            }

            await Assertions.Expect(page.Locator("[data-testid='inbox-selected']")).ToHaveTextAsync("已选 2 条");
            await page.ClickAsync("[data-testid='inbox-batch-reject']");

            // Rejecting needs a comment: the dialog says so rather than sending an empty one.
            await page.ClickAsync("[data-testid='comment-ok']");
            await Assertions.Expect(page.Locator("[data-testid='comment-error']")).ToContainTextAsync("须填写意见");
            await page.FillAsync("[data-testid='comment-text']", comment);
            await page.ClickAsync("[data-testid='comment-ok']");

            await Assertions.Expect(page.Locator("[data-testid='inbox-batch-result']")).ToContainTextAsync("已批量驳回 2 条");
            foreach (var (contract, _) in requests)
            {
                await Assertions.Expect(page.Locator($"[data-testid='inbox-items'] tr[data-subject='{contract}']")).ToHaveCountAsync(0);
            }

            await ShootAsync(page, "inbox-batch-rejected");
        }
        catch
        {
            await ShootAsync(page, "inbox-batch-failure");
            throw;
        }

        var ids = requests.Select(r => r.Contract).ToList();
        var rejected = await browser.Factory.WithDatabaseAsync(db => db.Contracts.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new
            {
                c.State,
                c.Status,
                Comment = db.WorkflowHistory.Where(h => h.InstanceId == c.InstanceId && h.Trigger == "reject").Select(h => h.Comment).SingleOrDefault(),
            })
            .ToListAsync());
        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, c => Assert.Equal(("rejected", "已驳回", comment), (c.State, c.Status, c.Comment)));
    }

    [Fact]
    public async Task Signing_log_and_workflow_definitions_show_who_did_what_and_how_the_workflow_runs()
    {
        var page = await browser.NewPageAsync(user: "demo-centre");
        try
        {
            await page.GotoAsync("contracts/log");
            await Assertions.Expect(page.Locator("[data-testid='signing-log']")).ToContainTextAsync("刘建华");
            await page.FillAsync("[data-testid='log-user']", "刘建华");
            await page.ClickAsync("[data-testid='log-action']");
            await page.GetByRole(AriaRole.Option, new() { Name = "驳回", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid='signing-log'] tbody tr").Filter(new() { HasNotText = "驳回" })).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("[data-testid='signing-log']")).ToContainTextAsync("待初审 → 已驳回");
            await Assertions.Expect(page.Locator("[data-testid='signing-log'] tbody tr").First).ToContainTextAsync("马庄街道卫生院");
            await ShootAsync(page, "contract-log");

            // The export has the same filters: only 刘建华's rejections.
            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid='log-export']"));
            Assert.StartsWith("签约日志-", download.SuggestedFilename, StringComparison.Ordinal);
            var file = Path.Combine(browser.Screenshots, "contract-log-export.xlsx");
            await download.SaveAsAsync(file);
            var rows = MiniExcelLibs.MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
            Assert.NotEmpty(rows);
            Assert.All(rows, r => Assert.Equal(("刘建华", "驳回", "已驳回"), (r["人员"]?.ToString(), r["操作"]?.ToString(), r["新状态"]?.ToString())));

            await page.GotoAsync("workflows");
            await page.Locator("[data-testid='workflow-list']").GetByText("居民申请签约").ClickAsync();
            var detail = page.Locator("[data-testid='workflow-detail']");
            await Assertions.Expect(detail).ToContainTextAsync("contract-request");
            await Assertions.Expect(page.Locator("[data-testid='workflow-diagram'] svg")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-testid='workflow-transitions']")).ToContainTextAsync("user.team_id == subject.team_id");
            await Assertions.Expect(page.Locator("[data-testid='workflow-timers']")).ToContainTextAsync("addDays(subject.end_date, -params.reminder_days)");
            await Assertions.Expect(page.Locator("[data-testid='workflow-mermaid']")).ToContainTextAsync("first_review --> review : 初审通过");
            await ShootAsync(page, "workflows");
        }
        catch
        {
            await ShootAsync(page, "contract-log-failure");
            throw;
        }
    }

    private static async Task<int> CountAsync(ILocator locator) =>
        int.Parse((await locator.TextContentAsync())!.Trim(), CultureInfo.InvariantCulture);

    /// <summary>Residents of the demo doctor's team who have never signed ask to sign, as from the resident app.</summary>
    private async Task<List<(Guid Contract, string Resident)>> RequestAsync(int count)
    {
        var (doctorId, teamId, residents, package) = await browser.Factory.WithDatabaseAsync(async db =>
        {
            var doctor = await db.Users.SingleAsync(u => u.UserName == "demo-doctor");
            var free = await db.Residents.Where(r => r.OrgId == doctor.TeamId && !db.Contracts.Any(c => c.ResidentId == r.Id))
                .OrderBy(r => r.Id).Select(r => r.Id).Take(count).ToListAsync();
            var basic = await db.ServicePackages.Where(p => p.Published && p.Name == "基本公共卫生服务包").Select(p => p.Id).FirstAsync();
            return (doctor.Id, doctor.TeamId!.Value, free, basic);
        });
        Assert.Equal(count, residents.Count);
        var me = (await browser.Factory.Services.GetRequiredService<AccessService>().GetAsync(doctorId, CancellationToken.None))!;
        var contracts = browser.Factory.Services.GetRequiredService<ContractService>();
        var made = new List<(Guid, string)>();
        foreach (var resident in residents)
        {
            var signed = await contracts.RequestAsync(me, new SignInput(resident, [package], teamId, null, null, ContractSources.ResidentApp, null, null, null, null, null), CancellationToken.None);
            var name = await browser.Factory.WithDatabaseAsync(db => db.Contracts.Where(c => c.Id == signed.Id).Select(c => c.ResidentName).SingleAsync());
            made.Add((signed.Id, name));
        }

        return made;
    }
}
