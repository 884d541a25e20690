using Jiayi.Host.Infrastructure;

namespace Jiayi.Host.Audit;

/// <summary>
/// <c>verify-audit</c>: checks the system log's hash chain from the command line (a scheduled job, an
/// inspection) without starting the web server. Exit code 0 when intact, 2 when broken.
/// </summary>
public static class AuditCommand
{
    public const string Name = "verify-audit";

    public const int Intact = 0;

    public const int Broken = 2;

    public static async Task<int> VerifyAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        await DatabaseSetup.MigrateAsync(services, cancellationToken);
        var result = await services.GetRequiredService<AuditLog>().VerifyAsync(cancellationToken);
        await output.WriteLineAsync(result.Message);
        return result.Intact ? Intact : Broken;
    }
}
