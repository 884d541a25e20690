using Jiayi.Data;
using Jiayi.Data.Audit;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;

namespace Jiayi.Host.Audit;

/// <summary>The system log as an .xlsx workbook (API and web page alike): at most <see cref="MaxRows"/> entries, and the export itself is logged.</summary>
public sealed class AuditExport(AuditLog log, IDbContextFactory<JiayiDbContext> databases, Clock clock)
{
    public const int MaxRows = 100_000;

    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public string FileName() => $"系统日志-{clock.Today:yyyyMMdd}.xlsx";

    /// <param name="filters">How the filters read in the log entry of the export, e.g. "（筛选：user=demo-doctor）".</param>
    public async Task<byte[]> WorkbookAsync(AccessInfo access, AuditQuery query, string filters, CancellationToken cancellationToken)
    {
        var entries = await log.ExportAsync(access, query, MaxRows + 1, cancellationToken);
        if (entries.Count > MaxRows)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "export-too-large", "导出条数过多", $"符合条件的日志超过 {MaxRows:N0} 条，请缩小时间范围或增加筛选条件后再导出");
        }

        // The organisation's name rather than its path of codes.
        var paths = entries.Select(e => e.OrgPath).OfType<string>().Distinct().ToList();
        Dictionary<string, string> names;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            names = await db.Organizations.Where(o => paths.Contains(o.Path)).ToDictionaryAsync(o => o.Path, o => o.Name, cancellationToken);
        }

        List<AuditRow> rows = [.. entries.Select(e => new AuditRow(e, e.OrgPath is { } path ? names.GetValueOrDefault(path, path) : null, clock))];
        using var stream = new MemoryStream();
        await stream.SaveAsAsync(rows, sheetName: "系统日志", cancellationToken: cancellationToken);
        await log.RecordAsync(AuditActions.Export, "audit", null, $"导出系统日志 {entries.Count} 条{filters}", cancellationToken);
        return stream.ToArray();
    }

    /// <summary>One row of the exported sheet, with Chinese headers; the time as the users read it.</summary>
    private sealed class AuditRow(AuditView entry, string? orgName, Clock clock)
    {
        [ExcelColumnName("时间")]
        [ExcelColumnWidth(20)]
        public string Time { get; } = clock.ToLocal(entry.Time).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

        [ExcelColumnName("用户")]
        public string? User { get; } = entry.UserName;

        [ExcelColumnName("机构")]
        [ExcelColumnWidth(30)]
        public string? Org { get; } = orgName;

        [ExcelColumnName("IP")]
        [ExcelColumnWidth(16)]
        public string? Ip { get; } = entry.Ip;

        [ExcelColumnName("操作")]
        public string Action { get; } = entry.ActionName;

        [ExcelColumnName("对象类型")]
        public string EntityType { get; } = entry.EntityTypeName;

        [ExcelColumnName("对象编号")]
        [ExcelColumnWidth(38)]
        public string? EntityId { get; } = entry.EntityId;

        [ExcelColumnName("摘要")]
        [ExcelColumnWidth(80)]
        public string Summary { get; } = entry.Summary;
    }
}
