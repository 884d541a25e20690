using System.Globalization;
using Jiayi.Data.Contracts;
using Jiayi.Host.Access;
using Jiayi.Host.Contracts;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Programmes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Jiayi.Host.Tests.Browser;

/// <summary>
/// The demo doctor's 随访计划: a signed hypertensive resident's first visit is overdue; the doctor fills it from the
/// list with uncontrolled values, it leaves the list, the next visit appears two weeks later, and the contract's
/// fulfilment rises.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class FollowUpPageTests(BrowserFixture browser)
{
    private static ILocator Field(IPage page, string key) => page.Locator($"[data-field='/{key}']");

    private async Task ShootAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.Screenshots, name + ".png"), FullPage = true });

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_doctor_fills_a_due_hypertension_visit_and_the_next_one_is_due_in_two_weeks_and_fulfilment_rises()
    {
        var today = browser.Factory.Services.GetRequiredService<Clock>().Today;
        var (resident, name, contract) = await EnrolledAndSignedAsync(today);
        var page = await browser.NewPageAsync();
        try
        {
            // Before: the contract's hypertension item has nothing done.
            await page.GotoAsync($"contracts/{contract}");
            var item = page.Locator("[data-testid='fulfilment-item']").Filter(new LocatorFilterOptions { HasText = "高血压患者随访" });
            await Assertions.Expect(item.Locator("[data-testid='fulfilment-item-done']")).ToHaveTextAsync("0");
            var doneBefore = int.Parse(await page.Locator("[data-testid='fulfilment-done']").InnerTextAsync(), CultureInfo.InvariantCulture);
            await ShootAsync(page, "fulfilment-before");

            // The due list, searched by name: the first visit (within 14 days of enrolling 30 days ago) is overdue.
            await page.GotoAsync("followups?programme=hypertension&q=" + Uri.EscapeDataString(name));
            var row = page.Locator("[data-testid='due-list'] tbody tr").Filter(new LocatorFilterOptions { HasText = "高血压面对面随访" });
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(row.Locator("[data-testid='due-status']")).ToHaveTextAsync("逾期");
            await Assertions.Expect(row.Locator("[data-testid='due-date']")).ToHaveTextAsync(Day(today.AddDays(-16)));
            await ShootAsync(page, "followups-due");

            // 填写: the form opens for this resident; uncontrolled pressure, the suggestions taken.
            await row.Locator("[data-testid='due-fill']").ClickAsync();
            await page.WaitForURLAsync("**/forms/hypertension-followup/new?**", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("高血压患者随访服务记录表");
            await Assertions.Expect(page.Locator($"[data-resident='{resident}']")).ToContainTextAsync(name);
            await TypeAsync(page, "visit_date", Day(today));
            await Field(page, "visit_method").GetByText("门诊", new LocatorGetByTextOptions { Exact = true }).ClickAsync();
            await Field(page, "symptoms").GetByText("头痛头晕", new LocatorGetByTextOptions { Exact = true }).ClickAsync();
            await TypeAsync(page, "sbp", "168");
            await TypeAsync(page, "dbp", "102");
            await Field(page, "adverse_reaction").GetByText("无", new LocatorGetByTextOptions { Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-outcome='visit_class'] .jy-result-value")).ToHaveTextAsync("控制不满意");
            await Field(page, "visit_class").GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "采用建议" }).ClickAsync();
            await Field(page, "next_visit_date").GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "采用建议" }).ClickAsync();
            await ShootAsync(page, "followups-fill");
            await page.Locator("#submit").ClickAsync();

            // Back on the list: the overdue visit is gone, the next one is due two weeks later, because it was uncontrolled.
            await page.WaitForURLAsync("**/followups?**", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(row.Locator("[data-testid='due-date']")).ToHaveTextAsync(Day(today.AddDays(14)));
            await Assertions.Expect(row.Locator("[data-testid='due-status']")).ToHaveTextAsync("应随访");
            await Assertions.Expect(row.Locator("[data-testid='due-reason']")).ToContainTextAsync("2 周内随访");
            await Assertions.Expect(page.Locator("[data-testid='due-list'] tbody tr").Filter(new LocatorFilterOptions { HasText = Day(today.AddDays(-16)) })).ToHaveCountAsync(0);
            await ShootAsync(page, "followups-after");

            // 已完成 shows the visit just recorded.
            await page.ClickAsync("[data-testid='due-count-done']");
            await Assertions.Expect(page.Locator("[data-testid='due-list'] tbody tr").Filter(new LocatorFilterOptions { HasText = "高血压面对面随访" }).Locator("[data-testid='due-status']")).ToHaveTextAsync("已完成");

            // The contract's fulfilment rose by one.
            await page.GotoAsync($"contracts/{contract}");
            await Assertions.Expect(item.Locator("[data-testid='fulfilment-item-done']")).ToHaveTextAsync("1");
            await Assertions.Expect(page.Locator("[data-testid='fulfilment-done']")).ToHaveTextAsync((doneBefore + 1).ToString(CultureInfo.InvariantCulture));
            await ShootAsync(page, "fulfilment-after");

            // The health record: the programme with its next visit, and the visit, enrolment and signing on the timeline.
            await page.GotoAsync($"residents/{resident}/record");
            await Assertions.Expect(page.Locator("[data-testid='record-name']")).ToContainTextAsync(name);
            var programme = page.Locator("[data-testid='record-programme'][data-programme='hypertension']");
            await Assertions.Expect(programme).ToContainTextAsync(Day(today.AddDays(14)));
            await Assertions.Expect(programme).ToContainTextAsync("应随访");
            await Assertions.Expect(page.Locator("[data-testid='timeline-event'][data-kind='record']")).ToContainTextAsync("高血压患者随访服务记录表");
            await Assertions.Expect(page.Locator("[data-testid='timeline-event'][data-kind='enrolment']")).ToContainTextAsync("纳入高血压患者健康管理");
            await Assertions.Expect(page.Locator("[data-testid='timeline-event'][data-kind='contract']")).ToContainTextAsync("签约");
            await ShootAsync(page, "health-record");
        }
        catch
        {
            await ShootAsync(page, "followups-failure");
            throw;
        }

        var records = await browser.Factory.WithDatabaseAsync(db => db.Records.CountAsync(r => r.SubjectId == resident && r.FormId == "hypertension-followup"));
        Assert.Equal(1, records);
    }

    private static async Task TypeAsync(IPage page, string key, string text)
    {
        var input = Field(page, key).Locator("input").First;
        await input.FillAsync(text);
        await input.PressAsync("Tab");
    }

    /// <summary>A resident of the demo doctor's team, 35–64, with no contract and no programme: enrolled in 高血压 30 days ago and signed today.</summary>
    private async Task<(Guid Resident, string Name, Guid Contract)> EnrolledAndSignedAsync(DateOnly today)
    {
        var (doctorId, teamId, resident, name, package) = await browser.Factory.WithDatabaseAsync(async db =>
        {
            var doctor = await db.Users.SingleAsync(u => u.UserName == "demo-doctor");
            var oldest = today.AddYears(-64);
            var youngest = today.AddYears(-35);
            var candidates = await db.Residents.Where(r => r.OrgId == doctor.TeamId && r.BirthDate > oldest && r.BirthDate < youngest
                    && !db.Contracts.Any(c => c.ResidentId == r.Id) && !db.Enrolments.Any(e => e.ResidentId == r.Id) && !db.Records.Any(x => x.SubjectId == r.Id))
                .OrderBy(r => r.Id).Select(r => new { r.Id, r.Name }).ToListAsync();
            // The list is searched by name: a name no other resident's name contains finds exactly this one.
            var names = await db.Residents.Select(r => r.Name).ToListAsync();
            var free = candidates.First(c => names.Count(n => n.Contains(c.Name, StringComparison.Ordinal)) == 1);
            var basic = await db.ServicePackages.Where(p => p.Published && p.Name == "基本公共卫生服务包").Select(p => p.Id).FirstAsync();
            return (doctor.Id, doctor.TeamId!.Value, free.Id, free.Name, basic);
        });
        var me = (await browser.Factory.Services.GetRequiredService<AccessService>().GetAsync(doctorId, CancellationToken.None))!;
        await browser.Factory.Services.GetRequiredService<EnrolmentService>()
            .EnrolAsync(me, new EnrolRequest(resident, "hypertension", today.AddDays(-30), null, "高血压确诊登记"), CancellationToken.None);
        var png = Convert.FromBase64String(Support.Signing.SignaturePng[(Support.Signing.SignaturePng.IndexOf(',', StringComparison.Ordinal) + 1)..]);
        var signed = await browser.Factory.Services.GetRequiredService<ContractService>().SignAsync(me,
            new SignInput(resident, [package], teamId, null, null, ContractSources.Web, new ImageInput("image/png", png), null, null, null, null), CancellationToken.None);
        return (resident, name, signed.Id);
    }
}
