using System.Net;
using Jiayi.Host.Access;
using Jiayi.Host.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Jiayi.Host.Tests.Browser;

/// <summary>First sign-in with a password that must be changed; wrong passwords on the login page.</summary>
[Collection(BrowserTests.Name)]
public sealed class AccountPageTests(BrowserFixture browser)
{
    private async Task ShootAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.Screenshots, name + ".png"), FullPage = true });

    [Fact]
    public async Task A_reset_password_must_be_changed_before_anything_else_and_then_opens_the_api()
    {
        var team = await browser.Factory.WithDatabaseAsync(db => db.Organizations.FirstAsync(o => o.Kind == "team"));
        var institution = await browser.Factory.WithDatabaseAsync(db => db.Organizations.SingleAsync(o => o.Id == team.ParentId));
        var user = await browser.Factory.CreateUserAsync("new-nurse", institution, team, [ResidentPermissions.Read]);
        await browser.Factory.WithDatabaseAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.MustChangePassword, true)));

        // Until the password is changed the API refuses a token.
        using var api = browser.Factory.CreateClient();
        var refused = await (await api.PostAsync("/api/auth/token", Http.Json(new { username = "new-nurse", password = TestWorld.Password }))).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("password-change-required", refused["code"]!.GetValue<string>());

        var page = await browser.NewPageAsync(user: null);
        try
        {
            await page.GotoAsync("account/login");
            await page.FillAsync("#username", "new-nurse");
            await page.FillAsync("#password", "wrong-password");
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.Locator(".jy-account-error")).ToContainTextAsync("用户名或密码错误");

            await page.FillAsync("#password", TestWorld.Password);
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync("**/account/change-password", new() { WaitUntil = WaitUntilState.Commit });
            // Every other page sends the user back here.
            await page.GotoAsync("residents");
            await page.WaitForURLAsync("**/account/change-password", new() { WaitUntil = WaitUntilState.Commit });
            await ShootAsync(page, "change-password");

            await page.FillAsync("#current", TestWorld.Password);
            await page.FillAsync("#new", "short");
            await page.FillAsync("#confirm", "short");
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.Locator(".jy-account-error")).ToContainTextAsync("密码至少");

            await page.FillAsync("#current", TestWorld.Password);
            await page.FillAsync("#new", "Nurse-Passw0rd-2");
            await page.FillAsync("#confirm", "Nurse-Passw0rd-2");
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(url => !url.Contains("/account/", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
            await Assertions.Expect(page.Locator("[data-testid='current-user']")).ToContainTextAsync("new-nurse");
        }
        catch
        {
            await ShootAsync(page, "change-password-failure");
            throw;
        }

        var token = await (await api.PostAsync("/api/auth/token", Http.Json(new { username = "new-nurse", password = "Nurse-Passw0rd-2" }))).ReadAsync(HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(token["access_token"]!.GetValue<string>()));
        await (await api.PostAsync("/api/auth/token", Http.Json(new { username = "new-nurse", password = TestWorld.Password }))).ProblemAsync(HttpStatusCode.Unauthorized);
    }
}
