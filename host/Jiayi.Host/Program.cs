using Jiayi.Host.Audit;
using Jiayi.Host.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
// Static web assets (Radzen, blazor.web.js) are served from the build output in every environment,
// so the host also runs from `dotnet build` output, as the tests do.
builder.WebHost.UseStaticWebAssets();
builder.AddJiayi();

var app = builder.Build();
if (args.Contains(AuditCommand.Name))
{
    Environment.ExitCode = await AuditCommand.VerifyAsync(app.Services, Console.Out);
    return;
}

await app.InitializeJiayiAsync();
app.UseJiayi();
app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var url in app.Urls)
    {
        Console.WriteLine($"家医 Jiayi 已启动：{url.Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("[::]", "localhost", StringComparison.Ordinal)}");
    }
});
await app.RunAsync();

/// <summary>The entry point, visible to integration tests (WebApplicationFactory).</summary>
public partial class Program;
