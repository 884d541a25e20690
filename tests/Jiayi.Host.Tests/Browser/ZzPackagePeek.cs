using Jiayi.Host.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Jiayi.Host.Tests.Browser;

[Collection(BrowserTests.Name)]
public sealed class ZzPackagePeek(BrowserFixture browser)
{
    private static async Task ShootAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine("/tmp/pkg-shots", name + ".png"), FullPage = true });

    [Fact]
    public async Task Peek()
    {
        var centre = await browser.Factory.WithDatabaseAsync(db => db.Organizations.SingleAsync(o => o.Code == "H610402010"));
        await browser.Factory.CreateUserAsync("pkg-peek", centre, null, TestUsers.AllPermissions);
        var page = await browser.NewPageAsync(user: null);
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type is "error") errors.Add(m.Text); };
        await BrowserFixture.LogInAsync(page, "pkg-peek", TestWorld.Password);
        await page.GotoAsync("packages");
        await Assertions.Expect(page.Locator("[data-testid='packages']")).ToContainTextAsync("基本公共卫生服务包");
        await ShootAsync(page, "1-empty");

        await page.ClickAsync("[data-testid='package-new']");
        await Assertions.Expect(page.Locator("[data-testid='package-form']")).ToBeVisibleAsync();
        await page.FillAsync("[data-testid='package-name'] >> visible=true", "");
        await page.ClickAsync("[data-testid='package-save']");
        await Assertions.Expect(page.Locator("[data-testid='package-error']")).ToBeVisibleAsync();
        await ShootAsync(page, "2-errors");

        await page.Locator("#package-name").FillAsync("马庄基础包");
        await page.Locator("#package-price input, input#package-price").First.FillAsync("120.50");
        await page.Locator("[data-testid='package-item-name']").First.FillAsync("高血压随访");
        await page.Locator("[data-testid='package-item-times'] input, input[data-testid='package-item-times']").First.FillAsync("4");
        await page.ClickAsync("[data-testid='package-item-add']");
        await page.Locator("[data-testid='package-item-name']").Nth(1).FillAsync("上门服务");
        await page.Locator("[data-testid='package-item-times'] input, input[data-testid='package-item-times']").Nth(1).FillAsync("2");
        await ShootAsync(page, "3-filled");
        await page.ClickAsync("[data-testid='package-save']");
        await Assertions.Expect(page.Locator("[data-testid='packages']")).ToContainTextAsync("马庄基础包");
        await ShootAsync(page, "4-saved");
        var row = page.Locator("tr", new() { HasText = "马庄基础包" });
        await row.Locator("[data-testid='package-publish']").ClickAsync();
        await Assertions.Expect(row.Locator("[data-testid='package-status']")).ToHaveTextAsync("已发布");
        await row.Locator("[data-testid='package-view']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='package-form']")).ToContainTextAsync("停用后才能修改");
        await ShootAsync(page, "5-published");

        var doctor = await browser.NewPageAsync();
        await doctor.GotoAsync("packages");
        await Assertions.Expect(doctor.Locator("[data-testid='packages']")).ToContainTextAsync("马庄基础包");
        await Assertions.Expect(doctor.Locator("[data-testid='package-new']")).ToHaveCountAsync(0);
        await ShootAsync(doctor, "6-doctor");
        Assert.Empty(errors);
    }
}
