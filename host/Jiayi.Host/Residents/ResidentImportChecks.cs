using System.Globalization;
using Jiayi.Data;
using Jiayi.Data.Organizations;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Identity;
using Jiayi.Host.Security;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Residents;

/// <summary>A row after its own checks: the cleaned values, and its errors at the API's paths (none when it may be saved).</summary>
internal sealed record ImportCheckedRow(
    ImportRow Source, List<ValidationError> Errors, string? Name, string? IdNumber, string? Hash, string? Sex, DateOnly BirthDate, string? Phone,
    Organization? Org, Guid? DivisionId, string? AddressDetail, bool IsHead, string? HeadIdNumber, string? Relation, List<string> Tags);

/// <summary>
/// The checks of each import row on its own, with <see cref="ResidentRules"/> and the import's columns: sex and birth
/// date against the ID number, the managing organisation by code inside the job's scope, the address division by
/// code, the household columns. Organisation and division codes are looked up once per batch for the new ones and
/// cached for the whole file. Duplicates and households across rows are settled by <see cref="ResidentImportRun"/>.
/// </summary>
internal sealed class ResidentImportChecks(string scope, IDbContextFactory<JiayiDbContext> databases, FieldProtector protector, DateOnly today)
{
    /// <summary>The relation of a head to themself.</summary>
    public const string Head = "户主";

    private static readonly Dictionary<string, string> TagCodes = KeyPopulations.All.ToDictionary(p => p.Name, p => p.Code, StringComparer.Ordinal);

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyyMMdd"];

    private const string NumericIdNumber = "被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写";

    /// <summary>Managing organisations by code: an institution or team in scope, or the error to report.</summary>
    private readonly Dictionary<string, (Organization? Org, string? Error)> _orgs = new(StringComparer.Ordinal);

    private readonly Dictionary<string, Guid?> _divisions = new(StringComparer.Ordinal);

    /// <summary>The checks of each row on its own (fields, codes); duplicates and households are settled when saving.</summary>
    public async Task<List<ImportCheckedRow>> CheckAsync(IReadOnlyList<ImportRow> rows, CancellationToken cancellationToken)
    {
        await LookUpCodesAsync(rows, cancellationToken);
        var result = new List<ImportCheckedRow>(rows.Count);
        foreach (var row in rows)
        {
            var errors = new List<ValidationError>();
            var name = ResidentRules.Name(row.Text(ResidentImportSheet.Name), errors);
            var sex = row.Text(ResidentImportSheet.Sex);
            var birth = BirthDate(row.Raw(ResidentImportSheet.BirthDate), errors);
            ChineseIdNumberResult? id = null;
            if (row.Raw(ResidentImportSheet.IdNumber) is double)
            {
                errors.Add(new ValidationError("/idNumber", ErrorCodes.Format, "身份证号" + NumericIdNumber));
            }
            else
            {
                id = ResidentRules.IdNumber(row.Text(ResidentImportSheet.IdNumber), sex, birth, today, errors);
            }

            var phone = ResidentRules.Phone(row.Text(ResidentImportSheet.Phone), errors);
            var org = Org(row.Text(ResidentImportSheet.OrgCode), errors);
            var division = Division(row.Text(ResidentImportSheet.DivisionCode), errors);
            var detail = ResidentRules.AddressDetail(row.Text(ResidentImportSheet.AddressDetail), errors);
            var relation = row.Text(ResidentImportSheet.RelationToHead);
            ResidentRules.RelationToHead(relation, errors);
            var (isHead, headId) = Household(row, id?.Normalized, relation, errors);
            var tags = ResidentRules.Tags(TagList(row.Text(ResidentImportSheet.Tags)), errors);
            var valid = id is { IsValid: true };
            result.Add(new ImportCheckedRow(
                row, errors, name, valid ? id!.Normalized : null, valid ? protector.Hash(id!.Normalized!) : null, valid ? id!.Sex : null, valid ? id!.BirthDate!.Value : default,
                phone, org, division, detail, isHead, headId, isHead ? Head : relation, tags));
        }

        return result;
    }

    /// <summary>Whether the row is a head (户主), or the normalised ID number of the head it joins.</summary>
    private (bool IsHead, string? HeadIdNumber) Household(ImportRow row, string? own, string? relation, List<ValidationError> errors)
    {
        if (row.Raw(ResidentImportSheet.HeadIdNumber) is double)
        {
            errors.Add(new ValidationError("/householdId", ErrorCodes.Format, "户主身份证号" + NumericIdNumber));
            return (false, null);
        }

        var text = row.Text(ResidentImportSheet.HeadIdNumber);
        if (text is null)
        {
            if (relation is not null && relation != Head && KeyPopulations.Relations.Contains(relation))
            {
                errors.Add(new ValidationError("/householdId", ErrorCodes.Required, "填写了与户主关系时请填写户主身份证号"));
            }

            return (relation == Head, null);
        }

        var head = ChineseIdNumber.Parse(text, today);
        if (!head.IsValid)
        {
            errors.Add(new ValidationError("/householdId", head.ErrorCode, $"户主{head.Error}"));
            return (false, null);
        }

        if (head.Normalized == own)
        {
            if (relation is not null && relation != Head)
            {
                errors.Add(new ValidationError("/relationToHead", ErrorCodes.Enum, "户主身份证号是本人的，与户主关系应为“户主”"));
            }

            return (true, null);
        }

        if (relation is null)
        {
            errors.Add(new ValidationError("/relationToHead", ErrorCodes.Required, "加入家庭时请选择与户主关系"));
        }
        else if (relation == Head)
        {
            errors.Add(new ValidationError("/relationToHead", ErrorCodes.Enum, "与户主关系为“户主”时，户主身份证号应填本人的或不填"));
        }

        return (false, head.Normalized);
    }

    private static DateOnly? BirthDate(object? value, List<ValidationError> errors)
    {
        switch (value)
        {
            case null:
                return null;
            case DateTime time:
                return DateOnly.FromDateTime(time);
        }

        var text = ResidentImportSheet.Text(value);
        if (text is not null && DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(new ValidationError("/birthDate", ErrorCodes.Format, $"出生日期“{text}”不是有效日期，应如 1980-01-01"));
        return null;
    }

    private static List<string> TagList(string? text) =>
        text is null ? [] : [.. text.Split(ResidentImportSheet.TagSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => TagCodes.GetValueOrDefault(n, n))];

    private Organization? Org(string? code, List<ValidationError> errors)
    {
        if (code is null)
        {
            errors.Add(new ValidationError("/orgId", ErrorCodes.Required, "请填写管理机构代码"));
            return null;
        }

        var (org, error) = _orgs[code];
        if (error is not null)
        {
            errors.Add(new ValidationError("/orgId", "not-found", error));
        }

        return org;
    }

    private Guid? Division(string? code, List<ValidationError> errors)
    {
        if (code is null)
        {
            return null;
        }

        var id = _divisions[code];
        if (id is null)
        {
            errors.Add(new ValidationError("/addressDivisionId", "not-found", $"行政区划代码“{code}”不存在"));
        }

        return id;
    }

    /// <summary>Looks up the batch's new organisation and division codes, one query each; they are cached for the whole file.</summary>
    private async Task LookUpCodesAsync(IReadOnlyList<ImportRow> rows, CancellationToken cancellationToken)
    {
        var orgCodes = rows.Select(r => r.Text(ResidentImportSheet.OrgCode)).OfType<string>().Where(c => !_orgs.ContainsKey(c)).Distinct().ToList();
        var divisionCodes = rows.Select(r => r.Text(ResidentImportSheet.DivisionCode)).OfType<string>().Where(c => !_divisions.ContainsKey(c)).Distinct().ToList();
        if (orgCodes.Count == 0 && divisionCodes.Count == 0)
        {
            return;
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (orgCodes.Count > 0)
        {
            var found = await db.Organizations.AsNoTracking().Where(o => orgCodes.Contains(o.Code) && o.Path.StartsWith(scope)).ToListAsync(cancellationToken);
            foreach (var code in orgCodes)
            {
                var candidates = found.Where(o => o.Code == code).OrderBy(o => o.Kind is OrganizationKinds.Institution or OrganizationKinds.Team ? 0 : 1).ThenBy(o => o.Path, StringComparer.Ordinal).ToList();
                var kindErrors = new List<ValidationError>();
                _orgs[code] = candidates.FirstOrDefault() switch
                {
                    null => (null, $"管理机构代码“{code}”不存在或不在您的管辖范围内"),
                    var org when ResidentRules.CanManage(org, kindErrors) => (org, null),
                    _ => (null, kindErrors[0].Message),
                };
            }
        }

        if (divisionCodes.Count > 0)
        {
            var found = await db.Organizations.AsNoTracking().Where(o => o.Kind == OrganizationKinds.Division && divisionCodes.Contains(o.Code)).Select(o => new { o.Code, o.Id }).ToListAsync(cancellationToken);
            foreach (var code in divisionCodes)
            {
                _divisions[code] = found.FirstOrDefault(o => o.Code == code)?.Id;
            }
        }
    }
}
