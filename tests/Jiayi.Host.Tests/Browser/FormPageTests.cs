using Microsoft.EntityFrameworkCore;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Jiayi.Host.Tests.Browser;

/// <summary>A doctor fills 高血压患者随访服务记录表 in the web platform, as in a township health centre.</summary>
[Collection(BrowserTests.Name)]
public sealed partial class FormPageTests(BrowserFixture browser)
{
    private static string Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(DateTime.UtcNow, "Asia/Shanghai")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static ILocator Field(IPage page, string key) => page.Locator($"[data-field='/{key}']");

    private static async Task TypeAsync(IPage page, string key, string text)
    {
        var input = Field(page, key).Locator("input").First;
        await input.FillAsync(text);
        await input.PressAsync("Tab");
    }

    private static Task ChooseAsync(IPage page, string key, string label) =>
        Field(page, key).GetByText(label, new LocatorGetByTextOptions { Exact = true }).ClickAsync();

    private async Task ShootAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.Screenshots, name + ".png"), FullPage = true });

    [Fact]
    public async Task A_doctor_fills_a_hypertension_follow_up_sees_bmi_and_errors_saves_it_and_finds_it_again()
    {
        var page = await browser.NewPageAsync();
        await ShotOnFailureAsync(page, "hypertension-failure", () => FillHypertensionAsync(page));
    }

    /// <summary>Keeps a screenshot of the page as it was when a step failed.</summary>
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

    private async Task FillHypertensionAsync(IPage page)
    {
        await page.GotoAsync("forms/hypertension-followup/new");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("高血压患者随访服务记录表");
        await Assertions.Expect(page.Locator("[data-result='bmi']")).ToBeVisibleAsync();
        await ShootAsync(page, "hypertension-empty");

        // Height and weight give the BMI, calculated live.
        await TypeAsync(page, "height", "170");
        await TypeAsync(page, "weight", "65");
        await Assertions.Expect(Field(page, "bmi").Locator("[data-calculated='bmi']")).ToHaveTextAsync("22.5");
        await Assertions.Expect(page.Locator("[data-result='bmi'] .jy-result-value")).ToHaveTextAsync("22.5 kg/m²");

        // A systolic pressure of 400 is refused at the field, in Chinese.
        await TypeAsync(page, "sbp", "400");
        await Assertions.Expect(Field(page, "sbp").Locator(".jy-error")).ToHaveTextAsync("收缩压不能大于 300 mmHg");
        await ShootAsync(page, "hypertension-sbp-400");

        // Corrected, and the rest of the visit filled in.
        await TypeAsync(page, "sbp", "152");
        await Assertions.Expect(Field(page, "sbp").Locator(".jy-error")).ToHaveCountAsync(0);
        await TypeAsync(page, "dbp", "92");
        await TypeAsync(page, "visit_date", Today);
        await ChooseAsync(page, "visit_method", "门诊");
        await ChooseAsync(page, "symptoms", "头痛头晕");
        await ChooseAsync(page, "adverse_reaction", "无");
        await Assertions.Expect(page.Locator("[data-outcome='visit_class'] .jy-result-value")).ToHaveTextAsync("控制不满意");
        await Field(page, "visit_class").GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "采用建议" }).ClickAsync();
        await Field(page, "next_visit_date").GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "采用建议" }).ClickAsync();
        var nextVisit = DateOnly.ParseExact(Today, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Assertions.Expect(Field(page, "next_visit_date").Locator("input").First).ToHaveValueAsync(nextVisit);
        await Assertions.Expect(page.Locator("[data-results] .rz-badge")).ToHaveTextAsync("可以提交");
        await ShootAsync(page, "hypertension-filled");

        await page.Locator("#submit").ClickAsync();
        // The page moves to the saved record inside the circuit (no document load to wait for): the URL is the signal.
        await page.WaitForURLAsync(RecordUrl(), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        var recordUrl = page.Url;
        await Assertions.Expect(page.Locator("[data-version]")).ToContainTextAsync("按第 1 版填写");
        await Assertions.Expect(page.Locator("[data-field='/sbp'] .jy-readonly")).ToHaveTextAsync("152 mmHg");
        await Assertions.Expect(page.Locator("[data-outcome='visit_class'] .jy-result-value")).ToHaveTextAsync("控制不满意");
        await ShootAsync(page, "hypertension-saved");

        // The record is in the form's list, dated today, and opens again read-only.
        await page.GotoAsync("forms/hypertension-followup/records");
        var row = page.Locator("[data-records] tbody tr").Filter(new LocatorFilterOptions { HasText = Today }).Filter(new LocatorFilterOptions { HasText = "控制不满意" }).First;
        await Assertions.Expect(row).ToBeVisibleAsync();
        await ShootAsync(page, "hypertension-records");
        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "查看" }).ClickAsync();
        await page.WaitForURLAsync(RecordUrl(), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        Assert.Equal(recordUrl, page.Url);
        await Assertions.Expect(page.Locator("[data-field='/next_visit_date'] .jy-readonly")).ToHaveTextAsync(nextVisit);
    }

    [Fact]
    public async Task The_date_picker_speaks_chinese()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("forms/hypertension-followup/new");
        await Field(page, "visit_date").Locator(".rz-datepicker-trigger").ClickAsync();
        var calendar = page.Locator(".rz-datepicker-popup-container, .rz-datepicker").Filter(new LocatorFilterOptions { HasText = "一" }).First;
        await Assertions.Expect(calendar).ToBeVisibleAsync();
        await ShootAsync(page, "date-picker");
    }

    [Fact]
    public async Task The_form_is_usable_on_a_phone_sized_screen()
    {
        var page = await browser.NewPageAsync(390, 844);
        await page.GotoAsync("forms/elderly-self-care/new");
        await ChooseAsync(page, "eating", "中度依赖");
        await ChooseAsync(page, "toileting", "轻度依赖");
        await Assertions.Expect(page.Locator("[data-score='total'] .jy-result-value")).ToHaveTextAsync("4");
        await Assertions.Expect(page.Locator("[data-outcome='level'] .jy-result-value")).ToHaveTextAsync("轻度依赖");
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the page scrolls sideways ({width}px wide) on a 390px screen");
        await ShootAsync(page, "self-care-phone");
    }

    [Fact]
    public async Task The_catalogue_and_workbench_show_the_demo_centre()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("");
        // The demo doctor sees the residents of their own team, and only those.
        var teamResidents = await browser.Factory.WithDatabaseAsync(async db =>
        {
            var doctor = await db.Users.SingleAsync(u => u.UserName == "demo-doctor");
            var team = await db.Organizations.SingleAsync(o => o.Id == doctor.TeamId);
            return await db.Residents.CountAsync(r => r.OrgPath.StartsWith(team.Path));
        });
        Assert.InRange(teamResidents, 100, 999);
        await Assertions.Expect(page.Locator("[data-stat='residents']")).ToHaveTextAsync(teamResidents.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ShootAsync(page, "workbench");
        await page.GotoAsync("forms");
        // Every shipped service-record form (a form only for workflow steps, like 解约登记, is not listed).
        var recordForms = Directory.GetFiles(Support.Repo.Path("definitions", "forms"), "*.json")
            .Count(f => System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(f))!["purpose"]?.GetValue<string>() != "workflow");
        Assert.True(recordForms >= 17);
        await Assertions.Expect(page.Locator("[data-form]")).ToHaveCountAsync(recordForms);
        await ShootAsync(page, "catalogue");
    }

    [GeneratedRegex(@"/records/[0-9a-f-]{36}$")]
    private static partial Regex RecordUrl();
}
