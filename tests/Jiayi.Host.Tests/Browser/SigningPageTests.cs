using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Jiayi.Data.Organizations;
using Jiayi.Data.Residents;
using Jiayi.Host.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Jiayi.Host.Tests.Browser;

/// <summary>
/// The demo doctor signs a resident of their team on the spot (在线签约): the resident draws a signature on
/// the screen, the contract is effective at once, and it shows on its own page and in 签约服务.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed partial class SigningPageTests(BrowserFixture browser)
{
    private const string DemoTeam = "马庄家庭医生一团队";
    private const string BasicPackage = "基本公共卫生服务包";

    [Fact]
    public async Task A_doctor_signs_a_resident_with_a_signature_drawn_on_screen_and_finds_the_effective_contract_in_the_list()
    {
        var resident = await UnsignedResidentAsync(skip: 0);
        var page = await browser.NewPageAsync();
        await page.Context.GrantPermissionsAsync(["geolocation"]);
        await page.Context.SetGeolocationAsync(new Geolocation { Latitude = 34.3299f, Longitude = 108.7093f, Accuracy = 25 });
        await ShotOnFailureAsync(page, "signing-failure", async () =>
        {
            await page.GotoAsync("contracts/sign");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("在线签约");
            await ChooseResidentAsync(page, resident.Name, resident);
            var basic = Package(page, BasicPackage);
            await basic.ClickAsync();
            await Assertions.Expect(basic).ToHaveAttributeAsync("aria-checked", "true");
            await Assertions.Expect(page.Locator("[data-testid='sign-total']")).ToContainTextAsync("已选 1 个服务包");

            await DrawSignatureAsync(page);
            await page.ClickAsync("[data-testid='locate']");
            await Assertions.Expect(page.Locator("[data-testid='location']")).ToContainTextAsync("纬度 34.32990，经度 108.70930");
            var canvas = await CanvasAsync(page);
            await ShootAsync(page, "signing-sign-page");

            await page.ClickAsync("[data-testid='sign-confirm']");
            await page.WaitForURLAsync(ContractUrl(), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            await Assertions.Expect(page.Locator("h1 [data-testid='contract-status']")).ToHaveTextAsync("已生效");
            await Assertions.Expect(page.Locator("[data-testid='signed']")).ToContainTextAsync("签约已办理，已生效");
            var number = (await page.Locator("h1 [data-testid='contract-number']").TextContentAsync())!.Trim();
            Assert.Matches("^QY[0-9]{8}[0-9A-F]{8}$", number);
            await Assertions.Expect(page.Locator("[data-testid='signature-image']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-testid='agreement']")).ToContainTextAsync(resident.Name);
            await Assertions.Expect(page.Locator("[data-testid='contract-packages']")).ToContainTextAsync(BasicPackage);
            await Assertions.Expect(page.Locator("[data-testid='contract-location']")).ToContainTextAsync("纬度 34.32990");
            await Assertions.Expect(page.Locator("[data-testid='history-entry']").First).ToContainTextAsync("刘建华");
            await Assertions.Expect(page.Locator("[data-testid='trigger'][data-trigger='terminate']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-testid='contract-diagram'] svg")).ToBeVisibleAsync();
            await ShootAsync(page, "signing-contract-page");
            await page.Locator("[data-testid='agreement']").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(browser.Screenshots, "signing-contract-agreement.png") });
            await page.Locator("[data-testid='contract-diagram']").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(browser.Screenshots, "signing-contract-diagram.png") });

            // 解约 asks for the termination form (解约登记) in a dialog; cancelled here.
            await page.ClickAsync("[data-testid='trigger'][data-trigger='terminate']");
            var dialog = page.Locator("[data-testid='trigger-dialog']");
            await Assertions.Expect(dialog).ToContainTextAsync("解约原因");
            await ShootAsync(page, "signing-terminate-dialog");
            await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "取消" }).ClickAsync();
            await Assertions.Expect(dialog).ToHaveCountAsync(0);

            await page.Locator(".jy-sidebar").GetByText("签约服务", new LocatorGetByTextOptions { Exact = true }).ClickAsync();
            await page.WaitForURLAsync("**/contracts", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            var row = page.Locator("[data-testid='contracts'] tbody tr").Filter(new LocatorFilterOptions { HasText = number });
            await Assertions.Expect(row).ToContainTextAsync(resident.Name);
            await Assertions.Expect(row.Locator("[data-testid='contract-status']")).ToHaveTextAsync("已生效");
            await ShootAsync(page, "signing-contract-list");

            // The stored signature is the drawing: a PNG of the pad's size, larger than the same pad left blank.
            var stored = await browser.Factory.WithDatabaseAsync(async db =>
            {
                var contract = await db.Contracts.SingleAsync(c => c.Number == number);
                var file = await db.Files.SingleAsync(f => f.Id == contract.SignatureFileId);
                return (contract.ResidentId, contract.Source, contract.Latitude, file.ContentType, file.Content);
            });
            Assert.Equal(resident.Id, stored.ResidentId);
            Assert.Equal("web", stored.Source);
            Assert.Equal(34.3299, stored.Latitude!.Value, 3);
            Assert.Equal("image/png", stored.ContentType);
            Assert.Equal((canvas.Width, canvas.Height), (BinaryPrimitives.ReadInt32BigEndian(stored.Content.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(stored.Content.AsSpan(20))));
            Assert.True(stored.Content.Length > canvas.BlankBytes + 500, $"signature {stored.Content.Length} bytes, blank pad {canvas.BlankBytes} bytes");
        });
    }

    [Fact]
    public async Task Confirming_without_a_signature_shows_the_error_at_the_pad_and_signs_nothing()
    {
        var resident = await UnsignedResidentAsync(skip: 1);
        var idNumber = browser.Factory.Services.GetRequiredService<FieldProtector>().Decrypt(resident.IdNumberCipher);
        var contractsBefore = await ContractCountAsync(resident.Id);
        var page = await browser.NewPageAsync();
        await ShotOnFailureAsync(page, "signing-unsigned-failure", async () =>
        {
            await page.GotoAsync("contracts/sign");
            // Found by the full ID number this time (exact match through its keyed hash).
            await ChooseResidentAsync(page, idNumber, resident);
            await Package(page, BasicPackage).ClickAsync();

            // A stroke, wiped with 清除, is no signature.
            await DrawSignatureAsync(page);
            await page.ClickAsync("[data-testid='signature-clear']");
            await page.ClickAsync("[data-testid='sign-confirm']");
            await Assertions.Expect(page.Locator("[data-testid='error-signature']")).ToHaveTextAsync("请居民在签字区内签名：签字是必填项");
            await Assertions.Expect(page.Locator("[data-testid='error-packages']")).ToBeEmptyAsync();
            await ShootAsync(page, "signing-unsigned");
            Assert.EndsWith("/contracts/sign", page.Url, StringComparison.Ordinal);
            Assert.Equal(contractsBefore, await ContractCountAsync(resident.Id));
        });
    }

    /// <summary>A resident managed by the demo doctor's team without an open contract.</summary>
    private Task<Resident> UnsignedResidentAsync(int skip) => browser.Factory.WithDatabaseAsync(async db =>
    {
        var team = await db.Organizations.SingleAsync(o => o.Name == DemoTeam && o.Kind == OrganizationKinds.Team);
        return await db.Residents.AsNoTracking()
            .Where(r => r.OrgId == team.Id && !db.Contracts.Any(c => c.ResidentId == r.Id && c.IsOpen))
            .OrderBy(r => r.Id).Skip(skip).FirstAsync();
    });

    private Task<int> ContractCountAsync(Guid residentId) => browser.Factory.WithDatabaseAsync(db => db.Contracts.CountAsync(c => c.ResidentId == residentId));

    private static async Task ChooseResidentAsync(IPage page, string search, Resident resident)
    {
        await page.ClickAsync("[data-testid='resident-picker']");
        await page.Locator(".rz-dropdown-filter").Last.FillAsync(search);
        await page.Locator(".rz-dropdown-item").Filter(new LocatorFilterOptions { HasText = resident.IdNumberMasked }).Filter(new LocatorFilterOptions { HasText = resident.Name }).ClickAsync();
        await Assertions.Expect(page.Locator($"[data-resident='{resident.Id}']")).ToContainTextAsync(resident.IdNumberMasked);
    }

    private static ILocator Package(IPage page, string name) => page.Locator($"[data-testid='package-card'][data-package='{name}']");

    /// <summary>Two strokes across the pad with the mouse, as a hand would: down, a run of moves, up.</summary>
    private static async Task DrawSignatureAsync(IPage page)
    {
        var box = (await page.Locator("[data-testid='signature-pad']").BoundingBoxAsync())!;
        (double X, double Y)[][] strokes =
        [
            [(0.15, 0.60), (0.20, 0.30), (0.25, 0.65), (0.30, 0.35), (0.36, 0.62), (0.42, 0.40)],
            [(0.50, 0.35), (0.55, 0.70), (0.62, 0.45), (0.70, 0.68), (0.78, 0.30), (0.85, 0.55)],
        ];
        foreach (var stroke in strokes)
        {
            await page.Mouse.MoveAsync((float)(box.X + box.Width * stroke[0].X), (float)(box.Y + box.Height * stroke[0].Y));
            await page.Mouse.DownAsync();
            foreach (var (x, y) in stroke.Skip(1))
            {
                await page.Mouse.MoveAsync((float)(box.X + box.Width * x), (float)(box.Y + box.Height * y), new MouseMoveOptions { Steps = 6 });
            }

            await page.Mouse.UpAsync();
        }
    }

    private sealed record Canvas(int Width, int Height, int BlankBytes);

    /// <summary>The pad's size in pixels, and the PNG an untouched canvas of that size makes in this browser.</summary>
    private static async Task<Canvas> CanvasAsync(IPage page)
    {
        var values = await page.EvaluateAsync<int[]>(
            """
            () => {
                const pad = document.querySelector("[data-testid='signature-pad']");
                const blank = document.createElement("canvas");
                blank.width = pad.width;
                blank.height = pad.height;
                return [pad.width, pad.height, atob(blank.toDataURL("image/png").split(",")[1]).length];
            }
            """);
        return new Canvas(values[0], values[1], values[2]);
    }

    private async Task ShootAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.Screenshots, name + ".png"), FullPage = true });

    private async Task ShotOnFailureAsync(IPage page, string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch
        {
            await ShootAsync(page, name);
            await File.WriteAllTextAsync(Path.Combine(browser.Screenshots, name + ".html"), await page.ContentAsync());
            throw;
        }
    }

    [GeneratedRegex("/contracts/[0-9a-f-]{36}([?]signed=true)?$")]
    private static partial Regex ContractUrl();
}
