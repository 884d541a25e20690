using System.Net;
using System.Text.RegularExpressions;
using Jiayi.Host.Access;
using Jiayi.Host.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Jiayi.Host.Tests.Api;

/// <summary>
/// The web session on the server: the login form sets the cookie, activity keeps it alive, and after
/// <c>session.idle_minutes</c> without a request it no longer counts — on a clock the test moves.
/// </summary>
public sealed partial class SessionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TestDatabase _database = default!;
    private JiayiFactory Factory { get; set; } = default!;

    public async Task InitializeAsync()
    {
        _database = TestDatabase.Sqlite();
        Factory = new JiayiFactory(_database, services: s => s.AddSingleton<TimeProvider>(_time));
        var world = await TestWorld.CreateAsync(Factory);
        await Factory.CreateUserAsync("session-user", world.CentreA, world.TeamA1, [ResidentPermissions.Read]);
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    private async Task<HttpClient> SignInAsync()
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await client.GetStringAsync("/account/login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.UserName"] = "session-user",
            ["Input.Password"] = TestWorld.Password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("http://localhost/", response.Headers.Location?.ToString());
        return client;
    }

    [Fact]
    public async Task Activity_keeps_the_session_and_idleness_ends_it()
    {
        using var client = await SignInAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/residents")).StatusCode);

        // Requests every 20 minutes (the default idle limit is 30) keep it alive past the limit.
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/account/ping", null)).StatusCode);
        }

        _time.Advance(TimeSpan.FromMinutes(31));
        var idle = await client.GetAsync("/residents");
        Assert.Equal(HttpStatusCode.Redirect, idle.StatusCode);
        Assert.StartsWith("http://localhost/account/login", idle.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_session_cookie_pages_send_to_the_login_page_and_the_api_does_not_take_cookies()
    {
        using var anonymous = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await anonymous.GetAsync("/residents");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);

        using var client = await SignInAsync();
        // A signed-in browser's cookie does not open the API: that needs a bearer token.
        await (await client.GetAsync("/api/residents")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.GetAsync("/api/auth/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }
}
