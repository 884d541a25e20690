using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Jiayi.Host.Infrastructure;

/// <summary>
/// The one place errors become responses: <see cref="ProblemException"/>s as they are, framework refusals
/// (bad request bodies, sizes) with a Chinese explanation, and anything unexpected as a 500 that
/// reveals nothing but a trace id.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ProblemException api => api,
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => RequestJson.TooLarge(),
            BadHttpRequestException bad => new ProblemException(bad.StatusCode, "bad-request", "请求有误", "请求的格式或参数不正确"),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => null,
            _ => null,
        };

        if (problem is null)
        {
            if (httpContext.RequestAborted.IsCancellationRequested)
            {
                return true;
            }

            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemException(StatusCodes.Status500InternalServerError, "internal-error", "服务器内部错误", "处理请求时发生意外错误，请稍后重试；如仍失败请联系运维人员并提供 traceId。");
        }

        return await WriteAsync(httpContext, problem, problems, exception);
    }

    /// <summary>Writes an <see cref="ProblemException"/> as RFC 9457 problem details.</summary>
    public static async ValueTask<bool> WriteAsync(HttpContext httpContext, ProblemException problem, IProblemDetailsService problems, Exception? exception = null)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(problems);
        httpContext.Response.StatusCode = problem.Status;
        var details = new ProblemDetails { Status = problem.Status, Title = problem.Title, Detail = problem.Detail };
        details.Extensions["code"] = problem.Code;
        if (problem.Errors is { } errors)
        {
            details.Extensions["errors"] = errors;
        }

        foreach (var (key, value) in problem.Extensions)
        {
            details.Extensions[key] = value;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);
}
