using System.Globalization;
using System.Xml;
using Jiayi.Engine.Identity;
using Jiayi.Host.Infrastructure;
using MiniExcelLibs;

namespace Jiayi.Host.Residents;

/// <summary>One data row of an import sheet, with its Excel row number (the header is row 1) and its cells by column name.</summary>
public sealed class ImportRow(int row, Dictionary<string, object?> cells)
{
    public int Row { get; } = row;

    /// <summary>The cell as Excel stored it (string, double, DateTime …), or null.</summary>
    public object? Raw(string column) => cells.GetValueOrDefault(column);

    /// <summary>The cell as trimmed text, or null when empty; numbers without a needless ".0", dates as yyyy-MM-dd.</summary>
    public string? Text(string column) => ResidentImportSheet.Text(Raw(column));
}

/// <summary>
/// The resident import workbook: its columns and their rules (the 说明 sheet of the template), the header check
/// of an upload, and the streaming read of its rows (first sheet, header in row 1).
/// </summary>
public static class ResidentImportSheet
{
    public const string Name = "姓名";
    public const string IdNumber = "身份证号";
    public const string Sex = "性别";
    public const string BirthDate = "出生日期";
    public const string Phone = "联系电话";
    public const string OrgCode = "管理机构代码";
    public const string DivisionCode = "现住址区划代码";
    public const string AddressDetail = "详细地址";
    public const string HeadIdNumber = "户主身份证号";
    public const string RelationToHead = "与户主关系";
    public const string Tags = "重点人群";

    public const string TemplateFileName = "居民导入模板.xlsx";
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The separators accepted between key-population names (the template asks for 、).</summary>
    public static readonly char[] TagSeparators = ['、', '，', ',', '；', ';'];

    private sealed record Column(string Header, bool Required, string Rule);

    private static readonly Column[] Columns =
    [
        new(Name, true, $"不超过 {ResidentRules.MaxNameLength} 个字"),
        new(IdNumber, true, "18 位居民身份证号（GB 11643），末位可为 X；请把该列设为“文本”格式，否则 Excel 会把号码改成科学计数法并丢失末几位。已登记过的身份证号跳过（不算错误），同一文件中重复出现的，第二次起算错误"),
        new(Sex, false, "男 或 女；可不填（由身份证号得出），填写时须与身份证号一致"),
        new(BirthDate, false, "如 1980-01-01；可不填（由身份证号得出），填写时须与身份证号一致"),
        new(Phone, false, "手机号 11 位；座机可含区号和“-”"),
        new(OrgCode, true, "管理居民的医疗机构或家庭医生团队的代码，须在您的管辖范围内"),
        new(DivisionCode, false, "现住址所在的行政区划代码（县、乡镇街道或村社区），如 610402"),
        new(AddressDetail, false, $"如 3组12号；不超过 {ResidentRules.MaxAddressDetailLength} 个字"),
        new(HeadIdNumber, false, "户主填本人身份证号或不填；家庭成员填户主的身份证号：户主须在本文件中或已登记"),
        new(RelationToHead, false, $"可填：{string.Join("、", KeyPopulations.Relations)}；户主填“户主”，家庭成员必填"),
        new(Tags, false, $"可填：{string.Join("、", KeyPopulations.All.Where(p => !p.Derived).Select(p => p.Name))}；多个用“、”分隔。{string.Join("和", KeyPopulations.All.Where(p => p.Derived).Select(p => p.Name))}由出生日期自动判断，不必填写"),
    ];

    public static IReadOnlyList<string> Headers { get; } = [.. Columns.Select(c => c.Header)];

    /// <summary>The template: the columns with one example row, and a 说明 sheet with each column's rules and allowed values.</summary>
    public static byte[] Template()
    {
        const string first17 = "61040219580315001";
        var example = new Dictionary<string, object?>
        {
            [Name] = "张建国",
            [IdNumber] = first17 + ChineseIdNumber.CheckCharacter(first17),
            [Sex] = "男",
            [BirthDate] = "1958-03-15",
            [Phone] = "13800000000",
            [OrgCode] = "H610402010T01",
            [DivisionCode] = "610402",
            [AddressDetail] = "3组12号",
            [HeadIdNumber] = null,
            [RelationToHead] = "户主",
            [Tags] = "高血压患者、2型糖尿病患者",
        };
        var rules = Columns.Select(c => new Dictionary<string, object?> { ["列"] = c.Header, ["是否必填"] = c.Required ? "必填" : "选填", ["填写说明"] = c.Rule }).ToList();
        rules.Add(new Dictionary<string, object?> { ["列"] = "（示例行）", ["是否必填"] = "", ["填写说明"] = "“居民”表第 2 行是示例，导入前请删除或改为真实数据；每个文件最多 20 MB" });
        var sheets = new Dictionary<string, object>
        {
            ["居民"] = new[] { example },
            ["说明"] = rules,
        };
        using var stream = new MemoryStream();
        stream.SaveAs(sheets);
        return stream.ToArray();
    }

    /// <summary>An error report: one row per problem, by row number.</summary>
    public static byte[] ErrorReport(IEnumerable<ImportErrorView> errors)
    {
        var rows = errors.Select(e => new Dictionary<string, object?> { ["行号"] = e.Row, ["列"] = e.Column, ["原因"] = e.Reason });
        using var stream = new MemoryStream();
        stream.SaveAs(new Dictionary<string, object> { ["错误"] = rows });
        return stream.ToArray();
    }

    /// <summary>
    /// Checks an uploaded file before it is queued: a readable .xlsx whose first sheet has the template's headers
    /// (the required ones present, none unknown or repeated) and at least one data row. Refusals are 400s in Chinese.
    /// </summary>
    public static void Check(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var rows = stream.Query(useHeaderRow: false).Cast<IDictionary<string, object?>>().GetEnumerator();
            if (!rows.MoveNext())
            {
                throw Invalid("文件中没有内容：请使用导入模板，第 1 行为列名");
            }

            var problems = new List<string>();
            var headers = HeaderMap(rows.Current, problems);
            var missing = Columns.Where(c => c.Required && !headers.ContainsValue(c.Header)).Select(c => c.Header).ToList();
            if (missing.Count > 0)
            {
                problems.Add($"缺少列：{string.Join("、", missing)}");
            }

            if (problems.Count > 0)
            {
                throw Invalid($"第 1 行的列名不对：{string.Join("；", problems)}。请使用导入模板（列：{string.Join("、", Headers)}）");
            }

            while (rows.MoveNext())
            {
                if (ToRow(rows.Current, headers, 0) is not null)
                {
                    return;
                }
            }

            throw Invalid("文件中没有数据行：第 1 行为列名，居民从第 2 行起填写");
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            throw Invalid("文件不是有效的 Excel 工作簿（.xlsx）：请用 Excel 或 WPS 另存为 .xlsx 后重新上传");
        }
    }

    /// <summary>The data rows of the first sheet, read as a stream (blank rows left out).</summary>
    public static IEnumerable<ImportRow> Read(Stream stream)
    {
        Dictionary<string, string>? headers = null;
        var index = 0;
        foreach (IDictionary<string, object?> cells in stream.Query(useHeaderRow: false))
        {
            index++;
            if (headers is null)
            {
                headers = HeaderMap(cells, []);
                continue;
            }

            if (ToRow(cells, headers, index) is { } row)
            {
                yield return row;
            }
        }
    }

    /// <summary>Whether an exception means the file is not a workbook we can read (rather than a bug of ours).</summary>
    public static bool IsUnreadable(Exception e) =>
        e is InvalidDataException or XmlException or IOException or NotSupportedException or FormatException or KeyNotFoundException or IndexOutOfRangeException
            or InvalidOperationException and not ObjectDisposedException;

    internal static string? Text(object? value) => value switch
    {
        null => null,
        string s => s.Trim() is { Length: > 0 } trimmed ? trimmed : null,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => d.ToString("0", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>Column letter → header name; empty header cells are ignored, unknown or repeated names reported.</summary>
    private static Dictionary<string, string> HeaderMap(IDictionary<string, object?> cells, List<string> problems)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (letter, value) in cells)
        {
            if (Text(value) is not { } header)
            {
                continue;
            }

            if (!Headers.Contains(header))
            {
                problems.Add($"未知的列“{header}”");
            }
            else if (map.ContainsValue(header))
            {
                problems.Add($"列“{header}”重复");
            }
            else
            {
                map[letter] = header;
            }
        }

        return map;
    }

    private static ImportRow? ToRow(IDictionary<string, object?> cells, Dictionary<string, string> headers, int row)
    {
        Dictionary<string, object?>? named = null;
        foreach (var (letter, header) in headers)
        {
            if (cells.TryGetValue(letter, out var value) && Text(value) is not null)
            {
                named ??= new Dictionary<string, object?>(headers.Count, StringComparer.Ordinal);
                named[header] = value;
            }
        }

        return named is null ? null : new ImportRow(row, named);
    }

    private static ProblemException Invalid(string detail) =>
        new(StatusCodes.Status400BadRequest, "invalid-import-file", "导入文件有误", detail);
}
