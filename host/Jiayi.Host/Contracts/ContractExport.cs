using System.Globalization;
using Jiayi.Data.Audit;
using Jiayi.Host.Access;
using Jiayi.Host.Audit;
using Jiayi.Host.Infrastructure;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;

namespace Jiayi.Host.Contracts;

/// <summary>The contract list (签约服务) as an .xlsx workbook, with the list's filters; the export itself is logged.</summary>
public sealed class ContractExport(ContractQueries queries, AuditLog log, Clock clock)
{
    public const int MaxRows = 10_000;

    public string FileName() => $"签约服务-{clock.Today:yyyyMMdd}.xlsx";

    /// <param name="filters">How the filters read in the log entry of the export, e.g. "（筛选：状态=已生效）".</param>
    public async Task<byte[]> WorkbookAsync(AccessInfo me, ContractFilter filter, string filters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var page = await queries.ListAsync(me, filter with { Page = 1, PageSize = MaxRows + 1 }, cancellationToken);
        if (page.Total > MaxRows)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "export-too-large", "导出条数过多", $"符合条件的签约超过 {MaxRows:N0} 条，请增加筛选条件（团队、状态、开始日期）后再导出");
        }

        List<ContractRow> rows = [.. page.Items.Select(c => new ContractRow(c))];
        using var stream = new MemoryStream();
        await stream.SaveAsAsync(rows, sheetName: "签约服务", cancellationToken: cancellationToken);
        await log.RecordAsync(AuditActions.Export, "contract", null, $"导出签约列表 {rows.Count} 条{filters}", cancellationToken);
        return stream.ToArray();
    }

    /// <summary>One row of the exported sheet, with Chinese headers.</summary>
    private sealed class ContractRow(ContractSummary contract)
    {
        [ExcelColumnName("签约编号")]
        [ExcelColumnWidth(22)]
        public string Number { get; } = contract.Number;

        [ExcelColumnName("居民")]
        public string Resident { get; } = contract.Resident.Name;

        [ExcelColumnName("团队")]
        [ExcelColumnWidth(24)]
        public string Team { get; } = contract.Team.Name;

        [ExcelColumnName("机构")]
        [ExcelColumnWidth(24)]
        public string Institution { get; } = contract.InstitutionName;

        [ExcelColumnName("责任医生")]
        public string Doctor { get; } = contract.DoctorName;

        [ExcelColumnName("服务包")]
        [ExcelColumnWidth(36)]
        public string Packages { get; } = string.Join("、", contract.PackageNames);

        [ExcelColumnName("金额（元）")]
        public decimal Price { get; } = contract.Price;

        [ExcelColumnName("开始日期")]
        [ExcelColumnWidth(12)]
        public string StartDate { get; } = contract.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        [ExcelColumnName("结束日期")]
        [ExcelColumnWidth(12)]
        public string EndDate { get; } = contract.EndDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        [ExcelColumnName("状态")]
        public string Status { get; } = contract.Status;

        [ExcelColumnName("来源")]
        public string Source { get; } = contract.SourceName;
    }
}
