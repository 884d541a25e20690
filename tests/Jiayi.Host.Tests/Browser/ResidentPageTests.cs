using System.Text.Json;
using Jiayi.Engine.Identity;
using Jiayi.Host.Parameters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;

namespace Jiayi.Host.Tests.Browser;

/// <summary>
/// The demo doctor registers a resident by reading an ID card (a real HTTP server on loopback plays the
/// reader's local service), sees the number masked in the list, and the county supervisor finds the entry
/// in the system log.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class ResidentPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private WebApplication? _reader;
    private string _readerUrl = "";

    // A fresh, valid number each run: 秦都区, born 1980-01-01, an odd (male) sequence.
    private readonly string _idNumber = NewId();
    private readonly string _name = "读卡" + (char)('甲' + Random.Shared.Next(20));

    private static string NewId()
    {
        var first17 = $"61040219800101{Random.Shared.Next(0, 500) * 2 + 1:000}";
        return first17 + ChineseIdNumber.CheckCharacter(first17);
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _reader = builder.Build();
        _reader.Use(async (context, next) =>
        {
            // What a vendor's local service must send so that the platform's page may call it (see the doc).
            context.Response.Headers.AccessControlAllowOrigin = "*";
            context.Response.Headers["Access-Control-Allow-Private-Network"] = "true";
            if (HttpMethods.IsOptions(context.Request.Method))
            {
                context.Response.StatusCode = 204;
                return;
            }

            await next(context);
        });
        _reader.MapGet("/readcard", () => Results.Json(new
        {
            code = 0,
            message = "",
            data = new { name = _name, sex = "男", nation = "汉", birthDate = "1980-01-01", address = "陕西省咸阳市秦都区马庄街道马庄村3组15号", idNumber = _idNumber, issuer = "咸阳市公安局秦都分局" },
        }));
        await _reader.StartAsync();
        var address = _reader.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _readerUrl = address + "/readcard";
    }

    public async Task DisposeAsync()
    {
        if (_reader is not null)
        {
            await _reader.DisposeAsync();
        }
    }

    private async Task UseReaderAsync(string url)
    {
        var parameters = browser.Factory.Services.GetRequiredService<SystemParameters>();
        await parameters.SetAsync("idcard.reader_url", JsonSerializer.SerializeToElement(url), "浏览器测试", "测试", CancellationToken.None);
    }

    private async Task ShootAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(browser.Screenshots, name + ".png"), FullPage = true });

    [Fact]
    public async Task The_doctor_reads_a_card_saves_the_resident_sees_it_masked_and_the_supervisor_sees_the_log()
    {
        await UseReaderAsync(_readerUrl);
        var page = await browser.NewPageAsync(user: "demo-doctor");
        try
        {
            await page.GotoAsync("residents");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("居民信息");
            // The list shows masked numbers only.
            await Assertions.Expect(page.Locator("[data-testid='resident-id-number']").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{6}\*{8}\d{3}[\dX]$"));
            await ShootAsync(page, "residents-list");

            await page.ClickAsync("[data-testid='resident-new']");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("新增居民");
            await page.ClickAsync("[data-testid='read-card']");
            await Assertions.Expect(page.Locator("[data-testid='resident-idNumber']")).ToHaveValueAsync(_idNumber);
            await Assertions.Expect(page.Locator("[data-testid='resident-name']")).ToHaveValueAsync(_name);
            await Assertions.Expect(page.Locator("[data-testid='resident-derived']")).ToHaveTextAsync("男，出生日期 1980-01-01");
            await page.FillAsync("[data-testid='resident-phone']", "13700001234");
            await ShootAsync(page, "resident-new");
            await page.ClickAsync("[data-testid='resident-save']");

            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("居民信息");
            var masked = _idNumber[..6] + "********" + _idNumber[^4..];
            await Assertions.Expect(page.Locator("[data-testid='resident-id-number']", new() { HasText = masked })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-testid='residents']")).Not.ToContainTextAsync(_idNumber);
            await ShootAsync(page, "resident-saved");
        }
        catch
        {
            await ShootAsync(page, "resident-failure");
            throw;
        }

        var stored = await browser.Factory.WithDatabaseAsync(db => db.Residents.SingleAsync(r => r.Name == _name));
        Assert.Equal(new DateOnly(1980, 1, 1), stored.BirthDate);

        var supervisor = await browser.NewPageAsync(user: "demo-county");
        try
        {
            await supervisor.GotoAsync("audit");
            await Assertions.Expect(supervisor.Locator("h1")).ToHaveTextAsync("系统日志");
            await supervisor.FillAsync("#audit-user", "demo-doctor");
            await supervisor.ClickAsync("[data-testid='audit-search']");
            await Assertions.Expect(supervisor.Locator("[data-testid='audit-entries']")).ToContainTextAsync($"新增居民“{_name}”");
            await ShootAsync(supervisor, "audit-supervisor");

            // The same filters export to Excel, headers in Chinese, the new resident's entry inside.
            var download = await supervisor.RunAndWaitForDownloadAsync(() => supervisor.ClickAsync("[data-testid='audit-export']"));
            Assert.StartsWith("系统日志-", download.SuggestedFilename, StringComparison.Ordinal);
            var file = Path.Combine(browser.Screenshots, "audit-export.xlsx");
            await download.SaveAsAsync(file);
            var rows = MiniExcelLibs.MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
            Assert.Contains(rows, r => r["用户"]?.ToString() == "demo-doctor" && r["摘要"]?.ToString() == $"新增居民“{_name}”");

            // A supervisor reads records but does not fill forms: no menu entry, and the page itself refuses.
            await Assertions.Expect(supervisor.Locator(".rz-navigation-item-text", new() { HasText = "公共卫生服务表单" })).ToHaveCountAsync(0);
            await supervisor.GotoAsync("forms/hypertension-followup/new");
            await Assertions.Expect(supervisor.Locator("[data-testid='denied']")).ToContainTextAsync("填写服务记录");

                        // A supervisor reads the system parameters but cannot change them.
            await supervisor.GotoAsync("parameters");
            await Assertions.Expect(supervisor.Locator("[data-parameter='bp.sbp_target'] .jy-param-current")).ToHaveTextAsync("140 mmHg");
            await Assertions.Expect(supervisor.Locator("[data-testid='parameter-edit']")).ToHaveCountAsync(0);
            await ShootAsync(supervisor, "parameters-supervisor");
        }
        catch
        {
            await ShootAsync(supervisor, "audit-failure");
            throw;
        }
    }

    [Fact]
    public async Task Without_a_reader_the_form_says_so_and_manual_entry_still_works()
    {
        // A port nobody listens on any more: the reader's service is not running.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await UseReaderAsync($"http://127.0.0.1:{closedPort}/readcard");
        var page = await browser.NewPageAsync(user: "demo-doctor");
        try
        {
            await page.GotoAsync("residents/new");
            await page.ClickAsync("[data-testid='read-card']");
            await Assertions.Expect(page.Locator(".rz-notification")).ToContainTextAsync("读卡");
            await page.FillAsync("[data-testid='resident-idNumber']", "610402198001011234");
            await Assertions.Expect(page.Locator("[data-testid='resident-derived']")).ToContainTextAsync("校验位");
            await page.FillAsync("[data-testid='resident-name']", "手工录入");
            await page.ClickAsync("[data-testid='resident-save']");
            await Assertions.Expect(page.Locator("[data-testid='resident-error']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".jy-error", new() { HasText = "校验位" })).ToBeVisibleAsync();
            await ShootAsync(page, "resident-manual-error");
        }
        catch
        {
            await ShootAsync(page, "resident-manual-failure");
            throw;
        }
    }
}
