using Jiayi.Host.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Jiayi.Host.Tests.Browser;

/// <summary>
/// The real host on a real port (Kestrel) with demo data, and one headless Debian Chromium driven by
/// Playwright — never a downloaded browser. Shared by every browser test: one browser process per run.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private TestDatabase? _database;
    private IPlaywright? _playwright;

    public JiayiFactory Factory { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public Uri BaseAddress { get; private set; } = default!;

    /// <summary>Where screenshots go, to be looked at (TestResults/screenshots).</summary>
    public string Screenshots { get; } = Repo.Path("TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing. Run the tests with ./test.sh, which installs Debian's chromium.");
        }

        _database = TestDatabase.Sqlite();
        Factory = new JiayiFactory(_database, demo: true);
        Factory.UseKestrel(0);
        Factory.StartServer();
        var address = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));

        _playwright = await Playwright.CreateAsync();
        // A loaded CI machine can take seconds to answer a circuit event; the default 5 s is too tight.
        Assertions.SetDefaultExpectTimeout(15_000);
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>A new browser context and page, signed in as <paramref name="user"/> (a demo account) unless null.</summary>
    public async Task<IPage> NewPageAsync(int width = 1366, int height = 900, string? user = "demo-doctor")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        // Browser-side errors (a failed circuit) end up beside the screenshots, for the engineer to read.
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (Screenshots)
                {
                    File.AppendAllText(Path.Combine(Screenshots, "console.log"), $"{DateTime.Now:HH:mm:ss} {page.Url} {message.Type}: {message.Text}{Environment.NewLine}");
                }
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                lock (Screenshots)
                {
                    File.AppendAllText(Path.Combine(Screenshots, "console.log"), $"{DateTime.Now:HH:mm:ss} HTTP {response.Status} {response.Url}{Environment.NewLine}");
                }
            }
        };
        if (user is not null)
        {
            await LogInAsync(page, user);
        }

        return page;
    }

    /// <summary>Signs in through the login page, as a person does.</summary>
    public static async Task LogInAsync(IPage page, string user, string password = JiayiFactory.AdminPassword)
    {
        await page.GotoAsync("account/login");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        // The redirect after sign-in is what counts; the next page's own assertions wait for its content.
        // A refusal (the page shows why) fails at once, with the page's message.
        var signedIn = page.WaitForURLAsync(url => !url.Contains("/account/", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit, Timeout = 40_000 });
        var refused = page.Locator(".jy-account-error").WaitForAsync(new() { Timeout = 40_000 });
        if (await Task.WhenAny(signedIn, refused) == refused && !signedIn.IsCompleted)
        {
            throw new InvalidOperationException($"{user} could not sign in: {await page.Locator(".jy-account-error").TextContentAsync()}");
        }

        await signedIn;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Factory.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>
/// Browser tests run on their own, after the parallel ones: on a 2-core machine the API suites running
/// beside them would otherwise starve the circuit that the browser is waiting on.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserTests : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
