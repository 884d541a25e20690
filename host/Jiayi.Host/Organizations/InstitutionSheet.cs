using System.Globalization;
using System.Xml;
using Jiayi.Engine.Forms;
using Jiayi.Host.Infrastructure;
using MiniExcelLibs;

namespace Jiayi.Host.Organizations;

/// <summary>One data row of an uploaded sheet: its Excel row number and its cells as text, by column header.</summary>
public sealed record SheetRow(int Row, IReadOnlyDictionary<string, string?> Cells)
{
    public string? this[string column] => Cells.GetValueOrDefault(column);
}

/// <summary>
/// The Excel sheet of medical institutions: the template users fill in, and an upload read into rows
/// (at most 5 MB and 10,000 rows, .xlsx only, Chinese headers). A file that is not a readable .xlsx, or
/// whose headers are wrong, is a 400 with the reason, never a 500.
/// </summary>
public static class InstitutionSheet
{
    public const int MaxBytes = 5 * 1024 * 1024;
    public const int MaxRows = 10_000;
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string TemplateFileName = "医疗机构导入模板.xlsx";

    public const string Code = "机构代码";
    public const string Name = "机构名称";
    public const string ParentCode = "上级代码";
    public const string Category = "机构类型";
    public const string Level = "机构级别";
    public const string Beds = "床位数";
    public const string Address = "地址";
    public const string ContactPerson = "联系人";
    public const string ContactPhone = "联系电话";

    public static readonly IReadOnlyList<string> Columns = [Code, Name, ParentCode, Category, Level, Beds, Address, ContactPerson, ContactPhone];

    private static readonly string[] RequiredColumns = [Code, Name, ParentCode];

    /// <summary>The column an error at a field's path belongs to (<c>/beds</c> → 床位数).</summary>
    public static string ColumnOf(string path) => path switch
    {
        "/code" => Code,
        "/name" => Name,
        "/parentId" => ParentCode,
        "/category" => Category,
        "/level" => Level,
        "/beds" => Beds,
        "/address" => Address,
        "/contactPerson" => ContactPerson,
        "/contactPhone" => ContactPhone,
        _ => path,
    };

    /// <summary>The template: the header row and one example row.</summary>
    public static byte[] Template()
    {
        Dictionary<string, object> example = new()
        {
            [Code] = "610402-WSY01",
            [Name] = "示例镇卫生院",
            [ParentCode] = "610402",
            [Category] = "乡镇卫生院",
            [Level] = "一级",
            [Beds] = 40,
            [Address] = "咸阳市秦都区示例镇人民路 1 号",
            [ContactPerson] = "张三",
            [ContactPhone] = "029-33210000",
        };
        using var stream = new MemoryStream();
        stream.SaveAs(new[] { example }, sheetName: "医疗机构");
        return stream.ToArray();
    }

    /// <summary>Reads the <c>file</c> field of a multipart upload: its file name and its non-blank data rows.</summary>
    public static async Task<(string FileName, IReadOnlyList<SheetRow> Rows)> ReadUploadAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var file = await FileUpload.ReadAsync(http, MaxBytes, cancellationToken);
        var fileName = Path.GetFileName(file.FileName);
        if (!fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
        {
            throw NotXlsx(fileName);
        }

        using var content = new MemoryStream((int)file.Length);
        await file.CopyToAsync(content, cancellationToken);
        content.Position = 0;
        return (fileName, Read(content, fileName));
    }

    /// <summary>The rows of an uploaded workbook (the web page reads its file itself); a file that is not a workbook is a 400.</summary>
    public static List<SheetRow> Read(Stream content, string fileName)
    {
        Dictionary<string, string>? columns = null;
        var rows = new List<SheetRow>();
        var number = 0;
        try
        {
            // Without a header row MiniExcel keys cells by column letter and yields blank rows too: the count is the Excel row number.
            foreach (IDictionary<string, object?> cells in content.Query(useHeaderRow: false, excelType: ExcelType.XLSX))
            {
                number++;
                if (columns is null)
                {
                    columns = cells.Values.Any(v => Text(v) is not null) ? Header(cells) : null;
                    continue;
                }

                var row = columns.ToDictionary(c => c.Value, c => Text(cells.TryGetValue(c.Key, out var value) ? value : null));
                if (row.Values.Any(v => v is not null))
                {
                    rows.Add(rows.Count < MaxRows
                        ? new SheetRow(number, row)
                        : throw new ProblemException(StatusCodes.Status400BadRequest, "too-many-rows", "行数过多", $"一次最多导入 {MaxRows} 行，请拆分文件后分批导入"));
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or XmlException or FormatException or KeyNotFoundException)
        {
            throw NotXlsx(fileName);
        }

        return rows;
    }

    /// <summary>The template's columns by the letter they stand in; any other, repeated or missing column is refused.</summary>
    private static Dictionary<string, string> Header(IDictionary<string, object?> cells)
    {
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (letter, value) in cells)
        {
            if (Text(value) is not { } name)
            {
                continue;
            }

            if (!Columns.Contains(name))
            {
                problems.Add($"{letter} 列“{name}”不是模板中的列");
            }
            else if (columns.ContainsValue(name))
            {
                problems.Add($"“{name}”列重复");
            }
            else
            {
                columns[letter] = name;
            }
        }

        problems.AddRange(RequiredColumns.Where(c => !columns.ContainsValue(c)).Select(c => $"缺少“{c}”列"));
        return problems.Count == 0
            ? columns
            : throw new ProblemException(StatusCodes.Status400BadRequest, "bad-columns", "表头与模板不符", $"{string.Join("；", problems)}。请下载导入模板，按模板的列填写（表头：{string.Join("、", Columns)}）");
    }

    /// <summary>A cell as trimmed text: whole numbers without decimals (codes and phone numbers are often typed as numbers).</summary>
    private static string? Text(object? value) => value switch
    {
        null => null,
        string text => string.IsNullOrWhiteSpace(text) ? null : text.Trim(),
        double number when number == Math.Floor(number) && Math.Abs(number) < 1e15 => number.ToString("0", CultureInfo.InvariantCulture),
        DateTime date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static ProblemException NotXlsx(string fileName) =>
        new(StatusCodes.Status400BadRequest, "not-xlsx", "文件格式不正确", $"“{fileName}”不是 Excel 工作簿（.xlsx）：请下载导入模板，填写后另存为 .xlsx 再上传（不支持 .xls 和 .csv）");
}
