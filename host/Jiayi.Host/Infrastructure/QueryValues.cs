using System.Globalization;
using Jiayi.Engine.Forms;

namespace Jiayi.Host.Infrastructure;

/// <summary>Reading list filters from the query string: every bad value becomes a Chinese error at its name, never a 500.</summary>
public static class QueryValues
{
    /// <summary>Unknown parameters and values with control characters are errors at the parameter's name.</summary>
    public static void RejectUnknown(IQueryCollection query, IReadOnlyCollection<string> allowed, List<ValidationError> errors)
    {
        foreach (var key in query.Keys.Where(k => !allowed.Contains(k, StringComparer.Ordinal)))
        {
            errors.Add(new ValidationError("/" + key, ErrorCodes.UnknownField, $"未知的查询参数“{key}”，可用：{string.Join("、", allowed)}"));
        }

        // Control characters (U+0000 above all, which PostgreSQL refuses in text) never reach a query.
        foreach (var (key, values) in query.Where(q => allowed.Contains(q.Key, StringComparer.Ordinal)))
        {
            if (values.Any(v => v is not null && v.Any(char.IsControl)))
            {
                errors.Add(new ValidationError("/" + key, ErrorCodes.Format, $"查询参数“{key}”含有控制字符"));
            }
        }
    }

    /// <summary>A trimmed value, or null when absent or empty.</summary>
    public static string? Text(IQueryCollection query, string name)
    {
        var text = query[name].ToString().Trim();
        return text.Length > 0 ? text : null;
    }

    public static int Whole(IQueryCollection query, string name, string label, int fallback, int min, int max, List<ValidationError> errors)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Type, $"{label}应为 {min}～{max} 之间的整数"));
            return fallback;
        }

        return number;
    }

    public static Guid? Id(IQueryCollection query, string name, string label, List<ValidationError> errors)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (!System.Guid.TryParse(text, out var id))
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Format, $"{label}应为有效的编号（GUID）"));
            return null;
        }

        return id;
    }

    public static DateOnly? Date(IQueryCollection query, string name, string label, List<ValidationError> errors)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (!JsonValues.TryParseDate(text, out var date))
        {
            errors.Add(new ValidationError("/" + name, ErrorCodes.Format, $"{label}应为有效日期，格式 yyyy-MM-dd"));
            return null;
        }

        return date;
    }

    /// <summary>The usual <c>from</c> and <c>to</c> dates of a list (yyyy-MM-dd); from after to is an error.</summary>
    public static (DateOnly? From, DateOnly? To) DateRange(IQueryCollection query, List<ValidationError> errors)
    {
        var (from, to) = (Date(query, "from", "开始日期 from", errors), Date(query, "to", "截止日期 to", errors));
        if (from > to)
        {
            errors.Add(new ValidationError("/to", "range", $"截止日期 to（{to:yyyy-MM-dd}）不能早于开始日期 from（{from:yyyy-MM-dd}）"));
        }

        return (from, to);
    }

    /// <summary>The usual <c>page</c> and <c>pageSize</c> of a list.</summary>
    public static (int Page, int PageSize) Paging(IQueryCollection query, int defaultSize, int maxSize, List<ValidationError> errors) =>
        (Whole(query, "page", "页码 page", 1, 1, 100_000, errors), Whole(query, "pageSize", "每页条数 pageSize", defaultSize, 1, maxSize, errors));

    /// <summary>A GUID route value, or 400 naming it (for resources whose ids are not secret: a bad id is a client mistake).</summary>
    public static Guid RouteId(string id) =>
        Guid.TryParse(id, out var value) ? value : throw ProblemException.Invalid("/id", "format", $"编号“{id}”格式不正确，应为 GUID");
}
