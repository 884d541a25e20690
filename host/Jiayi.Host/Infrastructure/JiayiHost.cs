using System.Text.Encodings.Web;
using System.Text.Unicode;
using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Audit;
using Jiayi.Host.Components;
using Jiayi.Host.Contracts;
using Jiayi.Host.Demo;
using Jiayi.Host.Forms;
using Jiayi.Host.Integrations;
using Jiayi.Host.Organizations;
using Jiayi.Host.Parameters;
using Jiayi.Host.Programmes;
using Jiayi.Host.Records;
using Jiayi.Host.Residents;
using Jiayi.Host.Security;
using Jiayi.Host.Workflows;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Radzen;
using Scalar.AspNetCore;

namespace Jiayi.Host.Infrastructure;

/// <summary>How the host is put together: services, start-up work, the request pipeline and the endpoints.</summary>
public static class JiayiHost
{
    public static JiayiOptions AddJiayi(this WebApplicationBuilder builder)
    {
        var options = JiayiOptions.From(builder.Configuration, builder.Environment);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Clock>();
        services.AddSingleton<AuditInterceptor>();
        services.AddJiayiDatabase(options);
        services.AddSingleton(FieldProtector.FromConfiguration(builder.Configuration, builder.Environment));
        services.AddSingleton(SystemParameters.LoadCatalog(options.DefinitionsPath));
        services.AddSingleton<SystemParameters>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditExport>();
        services.AddSingleton<CompiledFormCache>();
        services.AddSingleton<FormCatalog>();
        services.AddSingleton<DefinitionImporter>();
        services.AddSingleton<RecordService>();
        services.AddSingleton<ResidentService>();
        services.AddSingleton<PackageService>();
        services.AddSingleton<ResidentDirectory>();
        services.AddSingleton<ResidentImport>();
        services.AddHostedService<ResidentImportWorker>();
        services.AddSingleton<OrganizationService>();
        services.AddSingleton<TeamMemberService>();
        services.AddSingleton<ResidentLookups>();
        services.AddScoped<UserService>();
        services.AddSingleton<RoleService>();
        services.AddSingleton<UserGroupService>();
        services.AddScoped<AccessBootstrap>();
        services.AddScoped<DemoSeeder>();
        services.AddScoped<SigningDemo>();
        services.AddScoped<ProgrammeDemo>();
        services.AddHttpContextAccessor();
        services.AddJiayiIdentity();
        services.AddScoped<CurrentAccess>();
        services.AddScoped<CircuitHandler, AuditCircuitHandler>();
        services.AddSingleton<WorkflowCatalog>();
        services.AddSingleton<WorkflowHandlers>();
        services.AddSingleton<IWorkflowSubject, ContractSubject>();
        services.AddSingleton<IWorkflowHandler, RenewHandler>();
        services.AddSingleton<WorkflowRuntime>();
        services.AddSingleton<WorkItemService>();
        services.AddSingleton<WorkflowMigration>();
        services.AddSingleton<InboxNotifier>();
        services.AddSingleton<UserNotifications>();
        services.AddSingleton<AgreementTemplates>();
        services.AddSingleton<ContractService>();
        services.AddSingleton<ContractQueries>();
        services.AddSingleton<ContractLogExport>();
        services.AddSingleton<SigningDesk>();
        services.AddSingleton<ContractExport>();
        services.AddSingleton<ProgrammeCatalog>();
        services.AddSingleton<EnrolmentService>();
        services.AddSingleton<PlanService>();
        services.AddSingleton<AgeEnrolmentJob>();
        services.AddSingleton<ServiceTypeCatalog>();
        services.AddSingleton<HisIntake>();
        services.AddSingleton<ContractFulfilmentService>();
        services.AddSingleton<HealthRecordService>();
        services.AddSignalR();
        services.AddJiayiJobs(options);

        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier));
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All));
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "家医 Jiayi API";
            document.Info.Description = "家庭医生签约服务系统的 REST 接口：表单定义、边填边算、记录。错误按 RFC 9457 problem details 返回，errors 中逐字段给出中文说明。";
            return Task.CompletedTask;
        }).AddOperationTransformer(JsonBodyExtensions.DescribeJsonBody));

        services.AddRazorComponents().AddInteractiveServerComponents(o => o.DetailedErrors = !builder.Environment.IsProduction());
        services.AddRadzenComponents();
        return options;
    }

    /// <summary>Migrates the database, imports changed definition files and seeds demo data when asked.</summary>
    public static async Task InitializeJiayiAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        var options = app.Services.GetRequiredService<JiayiOptions>();
        await DatabaseSetup.MigrateAsync(app.Services, cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var bootstrap = scope.ServiceProvider.GetRequiredService<AccessBootstrap>();
        await bootstrap.EnsureDivisionsAsync(options.DefinitionsPath, cancellationToken);
        await bootstrap.EnsureRolesAsync(cancellationToken);
        await bootstrap.EnsureAdministratorAsync(cancellationToken);
        await app.Services.GetRequiredService<DefinitionImporter>().ImportAsync(options.DefinitionsPath, cancellationToken);
        if (options.DemoEnabled)
        {
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(cancellationToken);
        }

        app.Services.ScheduleJiayiJobs();
    }

    public static void UseJiayi(this WebApplication app)
    {
        // The web platform speaks zh-CN (dates, month and day names in Radzen's pickers), whatever the server's locale.
        app.UseRequestLocalization(new RequestLocalizationOptions()
            .SetDefaultCulture("zh-CN")
            .AddSupportedCultures("zh-CN")
            .AddSupportedUICultures("zh-CN"));
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            // Unmatched /api routes and methods answer with problem details too, never an empty body.
            var http = context.HttpContext;
            if (http.Request.Path.StartsWithSegments("/api") && http.Response.StatusCode is 401 or 403 or 404 or 405 or 415)
            {
                var problem = http.Response.StatusCode switch
                {
                    401 => new ProblemException(401, "unauthorized", "未登录或登录已失效", "请先用 POST /api/auth/token 获取访问令牌，并以 Authorization: Bearer <令牌> 调用接口"),
                    403 => new ProblemException(403, "forbidden", "没有权限", "当前账号无权访问此接口"),
                    404 => new ProblemException(404, "not-found", "接口不存在", $"没有这个接口：{http.Request.Method} {http.Request.Path}"),
                    405 => new ProblemException(405, "method-not-allowed", "不支持的请求方法", $"{http.Request.Path} 不支持 {http.Request.Method}"),
                    _ => new ProblemException(415, "unsupported-media-type", "不支持的内容类型", "请求体应为 JSON（Content-Type: application/json）"),
                };
                await ProblemExceptionHandler.WriteAsync(http, problem, http.RequestServices.GetRequiredService<IProblemDetailsService>());
            }
        });
        app.UseAuthentication();
        app.UseMiddleware<AccessMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapOpenApi();
        app.MapScalarApiReference(o => o.WithTitle("家医 Jiayi API"));
        app.MapGet("/api/health", () => TypedResults.Ok(new { status = "ok" })).WithTags("运行").AllowAnonymous();
        app.MapAuthEndpoints();
        app.MapIntegrationIntake();

        // Every other /api endpoint needs a bearer token; each then checks its permission and the caller's data scope.
        var api = app.MapGroup("/api").RequireAuthorization(IdentitySetup.ApiPolicy);
        api.MapFormEndpoints();
        api.MapRecordEndpoints();
        api.MapFollowUpEndpoints();
        api.MapResidentEndpoints();
        api.MapPackageEndpoints();
        api.MapHouseholdEndpoints();
        api.MapResidentImportEndpoints();
        api.MapOrganizationEndpoints();
        api.MapUserEndpoints();
        api.MapParameterEndpoints();
        api.MapAuditEndpoints();
        api.MapWorkflowEndpoints();
        api.MapContractEndpoints();
        api.MapProgrammeEndpoints();
        api.MapIntegrationEndpoints();

        app.MapHub<InboxHub>(InboxHub.Path);
        app.MapAccountEndpoints();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization();
    }
}
