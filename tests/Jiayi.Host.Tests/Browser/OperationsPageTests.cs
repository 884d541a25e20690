using System.Security.Cryptography;
using Microsoft.Playwright;

namespace Jiayi.Host.Tests.Browser;

/// <summary>
/// The operations account: first sign-in binds an authenticator (TOTP, computed here from the key the page
/// shows, as a phone app would), then the organisation tree, users, roles and system parameters pages.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class OperationsPageTests(BrowserFixture browser)
{
    private async Task ShootAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.Screenshots, name + ".png"), FullPage = true });

    [Fact]
    public async Task Operations_binds_two_factor_then_manages_organisations_users_roles_and_parameters()
    {
        var page = await browser.NewPageAsync(user: null);
        try
        {
            await page.GotoAsync("account/login");
            await page.FillAsync("#username", "demo-ops");
            await page.FillAsync("#password", Support.JiayiFactory.AdminPassword);
            await page.ClickAsync("button[type=submit]");

            // The role requires two-factor sign-in: the page shows the QR code and the key to bind.
            await Assertions.Expect(page.Locator(".jy-account-qr")).ToBeVisibleAsync();
            await ShootAsync(page, "login-two-factor-setup");
            var key = (await page.Locator(".jy-account-key code").TextContentAsync())!.Trim();
            await page.FillAsync("#code", Totp(key, DateTimeOffset.UtcNow));
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(url => !url.Contains("/account/", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit, Timeout = 40_000 });

            await page.GotoAsync("organizations");
            await Assertions.Expect(page.Locator("[data-testid='org-detail']")).ToContainTextAsync("咸阳市");
            await page.Locator("[data-org='610402']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid='org-detail'] .jy-section-title")).ToHaveTextAsync("秦都区");
            await ShootAsync(page, "organizations");

            // Institutions come in from Excel: one good row, one with an unknown parent.
            using (var workbook = new MemoryStream())
            {
                MiniExcelLibs.MiniExcel.SaveAs(workbook, new[]
                {
                    new Dictionary<string, object?> { ["机构代码"] = "H610402099", ["机构名称"] = "秦都区测试卫生院", ["上级代码"] = "610402", ["机构类型"] = "乡镇卫生院", ["机构级别"] = "一级", ["床位数"] = 20, ["地址"] = "", ["联系人"] = "", ["联系电话"] = "" },
                    new Dictionary<string, object?> { ["机构代码"] = "H999", ["机构名称"] = "无主卫生院", ["上级代码"] = "999999", ["机构类型"] = "乡镇卫生院", ["机构级别"] = "一级", ["床位数"] = 5, ["地址"] = "", ["联系人"] = "", ["联系电话"] = "" },
                });
                await page.SetInputFilesAsync("[data-testid='institution-file']", new FilePayload { Name = "机构.xlsx", MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Buffer = workbook.ToArray() });
            }

            await Assertions.Expect(page.Locator("[data-testid='institution-import-result']")).ToContainTextAsync("新增 1 个");
            await Assertions.Expect(page.Locator("[data-testid='institution-import']")).ToContainTextAsync("999999");
            await Assertions.Expect(page.Locator("[data-org='H610402099']")).ToBeVisibleAsync();
            await ShootAsync(page, "organizations-import");

            await page.GotoAsync("users");
            await Assertions.Expect(page.Locator("[data-testid='users']")).ToContainTextAsync("demo-doctor");
            await ShootAsync(page, "users");

            await page.GotoAsync("roles");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("角色与权限");
            await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^家庭医生") }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid='role-form']")).ToContainTextAsync("查看完整身份证号和电话");
            await ShootAsync(page, "roles");

            // A group gives its roles to its members.
            await page.GotoAsync("user-groups");
            await page.ClickAsync("[data-testid='group-new']");
            await page.FillAsync("#group-name", "慢病随访小组");
            await page.GetByText("监管人员", new() { Exact = true }).ClickAsync();
            await page.ClickAsync("[data-testid='group-save']");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "慢病随访小组（0 人）" })).ToBeVisibleAsync();
            await ShootAsync(page, "user-groups");

                        // Change the blood-pressure target with a reason; the history keeps who, when and why. Then restore it.
            await page.GotoAsync("parameters");
            var row = page.Locator("[data-parameter='bp.sbp_target']");
            await row.Locator("[data-testid='parameter-edit']").ClickAsync();
            await row.Locator("[data-testid='parameter-number'] input").FillAsync("135");
            await row.Locator("[data-testid='parameter-reason']").FillAsync("浏览器测试");
            await row.Locator("[data-testid='parameter-save']").ClickAsync();
            await Assertions.Expect(row.Locator(".jy-param-current")).ToHaveTextAsync("135 mmHg");
            await ShootAsync(page, "parameters-edited");
            await row.Locator("[data-testid='parameter-edit']").ClickAsync();
            await row.Locator("[data-testid='parameter-number'] input").FillAsync("140");
            await row.Locator("[data-testid='parameter-save']").ClickAsync();
            await Assertions.Expect(row.Locator(".jy-param-current")).ToHaveTextAsync("140 mmHg");
        }
        catch
        {
            await ShootAsync(page, "operations-failure");
            throw;
        }
    }

    /// <summary>RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) from a base32 key, as authenticator apps compute it.</summary>
    private static string Totp(string base32Key, DateTimeOffset now)
    {
        var key = Base32(base32Key);
        var counter = BitConverter.GetBytes(now.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }

#pragma warning disable CA5350 // TOTP (RFC 6238) as authenticator apps implement it is HMAC-SHA1.
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var code = ((hash[offset] & 0x7F) << 24 | hash[offset + 1] << 16 | hash[offset + 2] << 8 | hash[offset + 3]) % 1_000_000;
        return code.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var buffer = 0;
        var bytes = new List<byte>();
        foreach (var c in text.ToUpperInvariant().Where(c => c != '=' && c != ' '))
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. bytes];
    }
}
