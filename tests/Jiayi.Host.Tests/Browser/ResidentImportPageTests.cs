using Jiayi.Engine.Identity;
using Jiayi.Host.Residents;
using Microsoft.Playwright;
using MiniExcelLibs;

namespace Jiayi.Host.Tests.Browser;

/// <summary>The demo doctor downloads the template, uploads a workbook, watches it finish and downloads the error report; a supervisor may not import.</summary>
[Collection(BrowserTests.Name)]
public sealed class ResidentImportPageTests(BrowserFixture browser)
{
    private static string NewId(int day)
    {
        var first17 = $"6104021985{Random.Shared.Next(1, 13):00}{day:00}{Random.Shared.Next(0, 500) * 2 + 1:000}";
        return first17 + ChineseIdNumber.CheckCharacter(first17);
    }

    private async Task ShootAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.Screenshots, name + ".png"), FullPage = true });

    [Fact]
    public async Task The_doctor_imports_a_workbook_sees_the_counts_and_downloads_the_error_report()
    {
        var rows = new[]
        {
            new Dictionary<string, object?> { ["姓名"] = "导入甲", ["身份证号"] = NewId(11), ["管理机构代码"] = "H610402010T01", ["重点人群"] = "高血压患者" },
            new Dictionary<string, object?> { ["姓名"] = "导入乙", ["身份证号"] = NewId(12), ["管理机构代码"] = "H610402010T01", ["重点人群"] = null },
            new Dictionary<string, object?> { ["姓名"] = "导入丙", ["身份证号"] = "61040219850101123", ["管理机构代码"] = "H610402010T01", ["重点人群"] = null },
        };
        using var workbook = new MemoryStream();
        workbook.SaveAs(rows);

        var page = await browser.NewPageAsync(user: "demo-doctor");
        try
        {
            await page.GotoAsync("residents/import");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("批量导入居民");

            var template = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid='import-template']"));
            Assert.Equal(ResidentImportSheet.TemplateFileName, template.SuggestedFilename);

            await page.SetInputFilesAsync("[data-testid='import-file']", new FilePayload { Name = "浏览器导入.xlsx", MimeType = ResidentImportSheet.ContentType, Buffer = workbook.ToArray() });
            await Assertions.Expect(page.Locator("[data-testid='import-job']")).ToHaveAttributeAsync("data-status", "completed");
            await Assertions.Expect(page.Locator("[data-testid='import-processed']")).ToHaveTextAsync("已处理 3 / 3 行");
            await Assertions.Expect(page.Locator("[data-testid='import-imported']")).ToHaveTextAsync("2");
            await Assertions.Expect(page.Locator("[data-testid='import-skipped']")).ToHaveTextAsync("0");
            await Assertions.Expect(page.Locator("[data-testid='import-failed']")).ToHaveTextAsync("1");
            await Assertions.Expect(page.Locator("[data-testid='import-recent']")).ToContainTextAsync("浏览器导入.xlsx");
            await ShootAsync(page, "resident-import-done");

            var report = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid='import-error-report']"));
            Assert.Equal("浏览器导入-错误报告.xlsx", report.SuggestedFilename);
            await using var stream = await report.CreateReadStreamAsync();
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            var error = Assert.Single(copy.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>());
            Assert.Equal(("4", "身份证号", "身份证号应为18位，实际为 17 位"), (error["行号"]?.ToString(), error["列"], error["原因"]));
        }
        catch
        {
            await ShootAsync(page, "resident-import-failure");
            throw;
        }
    }

    [Fact]
    public async Task A_supervisor_without_the_import_permission_is_told_so()
    {
        var page = await browser.NewPageAsync(user: "demo-county");
        await page.GotoAsync("residents/import");
        await Assertions.Expect(page.Locator("[data-testid='import-denied']")).ToContainTextAsync("没有权限：需要“批量导入居民”权限。");
        await Assertions.Expect(page.Locator("[data-testid='import-file']")).ToHaveCountAsync(0);
    }
}
