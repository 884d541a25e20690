using Microsoft.AspNetCore.Http.Features;

namespace Jiayi.Host.Infrastructure;

/// <summary>
/// The file of a multipart upload (form field <c>file</c>), refused over its size limit before it is read
/// (413), and with a Chinese 400 for a missing field or a body that is no multipart form.
/// </summary>
public static class FileUpload
{
    /// <summary>Room for the multipart boundaries and headers around a file of the maximum size.</summary>
    private const long FormOverhead = 64 * 1024;

    public static async Task<IFormFile> ReadAsync(HttpContext http, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = http.Request;
        var limit = maxBytes + FormOverhead;
        if (request.ContentLength > limit)
        {
            throw TooLarge(maxBytes);
        }

        if (!request.HasFormContentType)
        {
            throw Required("请以 multipart/form-data 上传 .xlsx 文件，字段名为 file");
        }

        // A body without Content-Length is held to the same limit while it is read.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        http.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = limit }));
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxBytes);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw TooLarge(maxBytes);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw Required("上传的表单格式不正确：请以 multipart/form-data 上传 .xlsx 文件，字段名为 file");
        }

        var file = form.Files.GetFile("file") ?? throw Required("没有收到文件：请以 multipart/form-data 上传 .xlsx 文件，字段名为 file");
        return file.Length > maxBytes ? throw TooLarge(maxBytes) : file;
    }

    public static ProblemException TooLarge(long maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "文件过大", $"导入文件不能超过 {maxBytes / 1024 / 1024} MB：请拆分成几个文件分别导入");

    private static ProblemException Required(string detail) => new(StatusCodes.Status400BadRequest, "file-required", "请上传文件", detail);
}
