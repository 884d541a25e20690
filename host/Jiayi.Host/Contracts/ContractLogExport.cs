using System.Globalization;
using Jiayi.Data.Audit;
using Jiayi.Host.Access;
using Jiayi.Host.Audit;
using Jiayi.Host.Infrastructure;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;

namespace Jiayi.Host.Contracts;

/// <summary>The signing log (签约日志) as an .xlsx workbook: the same filters and scope as the page, at most <see cref="MaxRows"/> rows; the export is logged.</summary>
public sealed class ContractLogExport(ContractQueries contracts, AuditLog log, Clock clock)
{
    public const int MaxRows = 50_000;

    public string FileName() => $"签约日志-{clock.Today:yyyyMMdd}.xlsx";

    public async Task<byte[]> WorkbookAsync(AccessInfo me, SigningLogFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // Counted first (one row fetched), so that a too-large export is refused before loading it.
        if ((await contracts.LogAsync(me, filter with { Page = 1, PageSize = 1 }, cancellationToken)).Total > MaxRows)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "export-too-large", "导出条数过多", $"符合条件的签约操作超过 {MaxRows:N0} 条，请缩小日期范围或增加筛选条件后再导出");
        }

        var page = await contracts.LogAsync(me, filter with { Page = 1, PageSize = MaxRows }, cancellationToken);
        List<LogRow> rows = [.. page.Items.Select(e => new LogRow(e, clock))];
        using var stream = new MemoryStream();
        await stream.SaveAsAsync(rows, sheetName: "签约日志", cancellationToken: cancellationToken);
        await log.RecordAsync(AuditActions.Export, "contract", null, $"导出签约日志 {rows.Count} 条", cancellationToken);
        return stream.ToArray();
    }

    /// <summary>One row of the sheet, with the page's Chinese headers.</summary>
    private sealed class LogRow(SigningLogEntry entry, Clock clock)
    {
        [ExcelColumnName("时间")]
        [ExcelColumnWidth(18)]
        public string Time { get; } = clock.ToLocal(entry.At).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

        [ExcelColumnName("人员")]
        public string User { get; } = entry.UserName;

        [ExcelColumnName("所在机构")]
        [ExcelColumnWidth(28)]
        public string? Org { get; } = entry.ActorOrgName;

        [ExcelColumnName("签约编号")]
        [ExcelColumnWidth(22)]
        public string? Number { get; } = entry.ContractNumber;

        [ExcelColumnName("居民")]
        public string? Resident { get; } = entry.ResidentName;

        [ExcelColumnName("操作")]
        [ExcelColumnWidth(14)]
        public string Action { get; } = entry.Label;

        [ExcelColumnName("原状态")]
        public string? From { get; } = entry.FromName;

        [ExcelColumnName("新状态")]
        public string To { get; } = entry.ToName;

        [ExcelColumnName("意见")]
        [ExcelColumnWidth(60)]
        public string? Comment { get; } = entry.Comment;
    }
}
