using Jiayi.Engine.Forms;

namespace Jiayi.Host.Infrastructure;

/// <summary>
/// A request the API refuses, turned into RFC 9457 problem details by <see cref="ProblemExceptionHandler"/>:
/// a Chinese title and detail, a stable <c>code</c>, and for invalid data the errors by field.
/// </summary>
public sealed class ProblemException : Exception
{
    public ProblemException(int status, string code, string title, string? detail = null, IReadOnlyList<ValidationError>? errors = null)
        : base(detail ?? title)
    {
        Status = status;
        Code = code;
        Title = title;
        Detail = detail;
        Errors = errors;
    }

    public ProblemException()
        : this(StatusCodes.Status400BadRequest, "bad-request", "请求有误")
    {
    }

    public ProblemException(string message)
        : this(StatusCodes.Status400BadRequest, "bad-request", "请求有误", message)
    {
    }

    public ProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = StatusCodes.Status400BadRequest;
        Code = "bad-request";
        Title = "请求有误";
        Detail = message;
    }

    public int Status { get; }

    public string Code { get; }

    public string Title { get; }

    public string? Detail { get; }

    public IReadOnlyList<ValidationError>? Errors { get; }

    /// <summary>Further members of the problem details (e.g. <c>rejectionId</c> of a queued inbound event).</summary>
    public Dictionary<string, object?> Extensions { get; } = new(StringComparer.Ordinal);

    public static ProblemException Invalid(IReadOnlyList<ValidationError> errors, string? detail = null) =>
        new(StatusCodes.Status400BadRequest, "validation", "提交的数据有误", detail ?? Summarise(errors), errors);

    public static ProblemException Invalid(string path, string code, string message) => Invalid([new ValidationError(path, code, message)]);

    public static ProblemException FormNotFound(string id) =>
        new(StatusCodes.Status404NotFound, "form-not-found", "表单不存在", $"没有代码为“{id}”的已发布表单");

    public static ProblemException FormVersionNotFound(string id, int version) =>
        new(StatusCodes.Status404NotFound, "form-version-not-found", "表单版本不存在", $"表单“{id}”没有第 {version} 版");

    public static ProblemException RecordNotFound(string id) =>
        new(StatusCodes.Status404NotFound, "record-not-found", "记录不存在", $"没有编号为“{id}”的记录，或不在您的管辖范围内");

    private static string Summarise(IReadOnlyList<ValidationError> errors) =>
        errors.Count == 1 ? errors[0].Message : $"共 {errors.Count} 处问题：{string.Join("；", errors.Take(5).Select(e => e.Message))}{(errors.Count > 5 ? "……" : "")}";
}
