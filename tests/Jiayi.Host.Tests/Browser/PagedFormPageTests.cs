using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Jiayi.Host.Tests.Browser;

/// <summary>
/// 健康体检表 is a large form (<c>"paged": true</c>): the fill page shows it one section at a time, with a
/// navigator of numbered steps (a dropdown on a phone), 上一页 / 下一页, and a submit that opens the first
/// page with something to correct.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed partial class PagedFormPageTests(BrowserFixture browser)
{
    private static string Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(DateTime.UtcNow, "Asia/Shanghai")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static ILocator Field(IPage page, string key) => page.Locator($"[data-field='/{key}']");

    private static ILocator Section(IPage page, string key) => page.Locator($"[data-section='{key}']");

    private static ILocator Indicator(IPage page) => page.GetByTestId("page-indicator");

    /// <summary>Ticks an option, brought to the middle of the screen first: the sticky 提交 bar covers the bottom.</summary>
    private static async Task ChooseAsync(IPage page, string key, string label)
    {
        var option = Field(page, key).GetByText(label, new LocatorGetByTextOptions { Exact = true });
        await option.EvaluateAsync("e => e.scrollIntoView({ block: 'center' })");
        await option.ClickAsync();
    }

    private static async Task TypeAsync(IPage page, string key, string text)
    {
        var input = Field(page, key).Locator("input").First;
        await input.FillAsync(text);
        await input.PressAsync("Tab");
    }

    private static Task NextAsync(IPage page) => page.GetByTestId("page-next").ClickAsync();

    private static Task PreviousAsync(IPage page) => page.GetByTestId("page-prev").ClickAsync();

    private async Task ShootAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.Screenshots, name + ".png"), FullPage = true });
    }

    /// <summary>A resident of the demo doctor's team aged 65 or more, for whom the elderly section is a page of its own.</summary>
    private Task<Guid> ElderlyResidentAsync() => browser.Factory.WithDatabaseAsync(async db =>
    {
        var doctor = await db.Users.SingleAsync(u => u.UserName == "demo-doctor");
        var team = await db.Organizations.SingleAsync(o => o.Id == doctor.TeamId);
        var born = DateOnly.FromDateTime(DateTime.Today).AddYears(-66);
        return await db.Residents.Where(r => r.OrgPath.StartsWith(team.Path) && r.BirthDate <= born).OrderBy(r => r.BirthDate).Select(r => r.Id).FirstAsync();
    });

    private async Task ShotOnFailureAsync(IPage page, string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch
        {
            await ShootAsync(page, name);
            throw;
        }
    }

    [Fact]
    public async Task A_doctor_moves_through_the_pages_keeps_the_answers_and_is_taken_to_what_is_missing()
    {
        var resident = await ElderlyResidentAsync();
        var page = await browser.NewPageAsync(1366, 900);
        await ShotOnFailureAsync(page, "paged-desktop-failure", async () =>
        {
            await page.GotoAsync($"forms/health-exam/new?subject={resident}");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("健康体检表");

            // 14 pages for a resident of 65 or more: the elderly self-assessment is one of them.
            await Assertions.Expect(Indicator(page)).ToHaveTextAsync("第 1 / 14 页");
            await Assertions.Expect(page.Locator("[data-steps] [data-step]")).ToHaveCountAsync(14);
            await Assertions.Expect(page.Locator("[data-step='elderly']")).ToContainTextAsync("一般状况：老年人自我评估");
            await Assertions.Expect(page.Locator("[data-step-picker]")).ToBeHiddenAsync();
            await Assertions.Expect(Section(page, "exam")).ToBeVisibleAsync();
            await Assertions.Expect(Section(page, "symptoms_section")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByTestId("page-prev")).ToBeDisabledAsync();

            // Typed on page 1, then straight to the next page: the answer is kept.
            await Field(page, "doctor").Locator("input").FillAsync("王建国");
            await NextAsync(page);
            await Assertions.Expect(Indicator(page)).ToHaveTextAsync("第 2 / 14 页");
            await Assertions.Expect(Section(page, "symptoms_section")).ToBeVisibleAsync();
            await Assertions.Expect(Section(page, "exam")).ToHaveCountAsync(0);
            await ChooseAsync(page, "symptoms", "无症状");
            await PreviousAsync(page);
            await Assertions.Expect(Indicator(page)).ToHaveTextAsync("第 1 / 14 页");
            await Assertions.Expect(Field(page, "doctor").Locator("input")).ToHaveValueAsync("王建国");
            await TypeAsync(page, "exam_date", Today);

            // A step goes straight to its page; the answers of page 2 are still there.
            await page.Locator("[data-step='general']").ClickAsync();
            await Assertions.Expect(Indicator(page)).ToHaveTextAsync("第 3 / 14 页");
            await TypeAsync(page, "height", "168");
            await TypeAsync(page, "weight", "72.5");
            await TypeAsync(page, "waist", "92");
            await Assertions.Expect(page.Locator("[data-result='bmi'] .jy-result-value")).ToHaveTextAsync("25.7 kg/m²");
            await Assertions.Expect(page.Locator("[data-outcome='bmi_class'] .jy-result-value")).ToHaveTextAsync("超重");
            await PreviousAsync(page);
            await Assertions.Expect(Field(page, "symptoms").Locator(".rz-chkbox-box.rz-state-active")).ToHaveCountAsync(1);
            await ShootAsync(page, "paged-desktop");
            await page.Locator("[data-step='physical']").ClickAsync();
            await Assertions.Expect(Indicator(page)).ToHaveTextAsync("第 7 / 14 页");
            await ShootAsync(page, "paged-desktop-physical");
            await page.Locator("[data-step='symptoms_section']").ClickAsync();

            // Submitted with the elderly page still empty: that later page opens, its fields marked, and every
            // step with something to correct carries a red count.
            await page.Locator("#submit").ClickAsync();
            await Assertions.Expect(Indicator(page)).ToHaveTextAsync("第 4 / 14 页");
            await Assertions.Expect(Section(page, "elderly")).ToBeVisibleAsync();
            await Assertions.Expect(Field(page, "elderly_health_self").Locator(".jy-error")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-step-errors='elderly']")).ToHaveTextAsync("4");
            await Assertions.Expect(page.Locator("[data-step-errors='evaluation']")).ToHaveTextAsync("1");
            await Assertions.Expect(page.Locator("[data-step-errors='exam']")).ToHaveCountAsync(0);
            await ShootAsync(page, "paged-desktop-errors");

            await ChooseAsync(page, "elderly_health_self", "基本满意");
            await ChooseAsync(page, "elderly_self_care", "可自理（0～3 分）");
            await ChooseAsync(page, "cognitive_function", "粗筛阴性");
            await ChooseAsync(page, "emotional_state", "粗筛阴性");
            await Assertions.Expect(page.Locator("[data-step-errors='elderly']")).ToHaveCountAsync(0);

            // From page 1, a submit now opens the evaluation, near the end.
            await page.Locator("[data-step='exam']").ClickAsync();
            await Assertions.Expect(Indicator(page)).ToHaveTextAsync("第 1 / 14 页");
            await page.Locator("#submit").ClickAsync();
            await Assertions.Expect(Indicator(page)).ToHaveTextAsync("第 13 / 14 页");
            await Assertions.Expect(Field(page, "health_evaluation").Locator(".jy-error")).ToBeVisibleAsync();
            await ChooseAsync(page, "health_evaluation", "有异常");
            await TypeAsync(page, "abnormal_1", "超重，中心型肥胖");
            await Assertions.Expect(page.Locator("[data-results] .rz-badge")).ToHaveTextAsync("可以提交");

            await page.Locator("#submit").ClickAsync();
            await page.WaitForURLAsync(RecordUrl(), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            await Assertions.Expect(page.Locator("[data-field='/doctor'] .jy-readonly")).ToHaveTextAsync("王建国");
            await Assertions.Expect(page.Locator("[data-field='/abnormal_1'] .jy-readonly")).ToHaveTextAsync("超重，中心型肥胖");
        });
    }

    [Fact]
    public async Task On_a_phone_the_pages_are_picked_from_a_dropdown_and_nothing_scrolls_sideways()
    {
        var page = await browser.NewPageAsync(390, 844);
        await ShotOnFailureAsync(page, "paged-phone-failure", async () =>
        {
            await page.GotoAsync("forms/health-exam/new");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("健康体检表");

            // No resident chosen: no age, so no elderly page.
            await Assertions.Expect(Indicator(page)).ToHaveTextAsync("第 1 / 13 页");
            await Assertions.Expect(page.Locator("[data-step-picker]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-steps]")).ToBeHiddenAsync();
            await Assertions.Expect(page.Locator("[data-step-picker] .rz-dropdown")).ToContainTextAsync("1. 体检信息");
            await AssertNoSidewaysScrollAsync(page);
            await ShootAsync(page, "paged-phone");

            await Field(page, "doctor").Locator("input").FillAsync("李秀兰");
            await NextAsync(page);
            await Assertions.Expect(Indicator(page)).ToHaveTextAsync("第 2 / 13 页");
            await Assertions.Expect(page.Locator("[data-step-picker] .rz-dropdown")).ToContainTextAsync("2. 症状");

            // The dropdown goes to any page: the hospital stays, a table.
            await page.Locator("[data-step-picker] .rz-dropdown").ClickAsync();
            await page.Locator(".rz-dropdown-item").Filter(new LocatorFilterOptions { HasText = "住院治疗情况" }).ClickAsync();
            await Assertions.Expect(Indicator(page)).ToHaveTextAsync("第 9 / 13 页");
            await Section(page, "hospitalization").GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "添加住院史" }).ClickAsync();
            await Assertions.Expect(Field(page, "hospital_stays").Locator(".jy-table > tbody > tr")).ToHaveCountAsync(1);
            await AssertNoSidewaysScrollAsync(page);
            await ShootAsync(page, "paged-phone-table");

            await page.Locator("[data-step-picker] .rz-dropdown").ClickAsync();
            await page.Locator(".rz-dropdown-item").Filter(new LocatorFilterOptions { HasText = "体检信息" }).ClickAsync();
            await Assertions.Expect(Field(page, "doctor").Locator("input")).ToHaveValueAsync("李秀兰");

            // A submit opens the first page with an error; the picker shows its count.
            await page.Locator("#submit").ClickAsync();
            await Assertions.Expect(Indicator(page)).ToHaveTextAsync("第 1 / 13 页");
            await Assertions.Expect(Field(page, "exam_date").Locator(".jy-error")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-step-picker] .rz-dropdown .rz-badge")).ToHaveTextAsync("1");
            await ShootAsync(page, "paged-phone-errors");
        });
    }

    [Fact]
    public async Task A_form_that_is_not_paged_still_shows_every_section_at_once()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("forms/hypertension-followup/new");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("高血压患者随访服务记录表");
        await Assertions.Expect(page.Locator("[data-section]")).ToHaveCountAsync(6);
        await Assertions.Expect(page.Locator("[data-pager]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("page-indicator")).ToHaveCountAsync(0);
    }

    private static async Task AssertNoSidewaysScrollAsync(IPage page)
    {
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the page scrolls sideways ({width}px wide) on a 390px screen");
    }

    [GeneratedRegex(@"/records/[0-9a-f-]{36}$")]
    private static partial Regex RecordUrl();
}
