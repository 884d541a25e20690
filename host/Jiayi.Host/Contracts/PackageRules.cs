using Jiayi.Data.Contracts;
using Jiayi.Engine.Forms;
using Jiayi.Host.Residents;

namespace Jiayi.Host.Contracts;

/// <summary>The fields of a <see cref="PackageInput"/> once checked: text trimmed, empty text as null, absent amounts as 0.</summary>
public sealed record CheckedPackage(
    string Name, string Kind, string? Description, List<string> TargetPopulations, decimal Price, decimal Subsidy,
    DateOnly ValidFrom, DateOnly ValidTo, string? AgreementTemplate, IReadOnlyList<PackageItemInput> Items);

/// <summary>
/// The rules of a service package's own fields, in one place for the API and the page: lengths, amounts
/// (yuan, two decimals, subsidy within the price), validity, target populations, items and the agreement
/// template. Errors are data at JSON paths (<c>/price</c>, <c>/items/2/timesPerYear</c> …). The issuer and the
/// forms need the database and are checked by <see cref="PackageService"/>.
/// </summary>
public static class PackageRules
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 1000;
    public const int MaxItems = 50;
    public const int MaxTimesPerYear = 365;
    public const int MaxServiceTypeLength = 64;
    public const int MaxTemplateLength = 20000;
    public const decimal MaxAmount = 100_000m;

    /// <summary>The error code of an amount with more than two decimals.</summary>
    public const string Decimals = "decimals";

    public const string GeneralPopulation = "一般人群";

    /// <summary>Who a package may target: the ten key populations by name, and everyone else.</summary>
    public static readonly IReadOnlyList<string> Populations = [.. KeyPopulations.All.Select(p => p.Name), GeneralPopulation];

    public static CheckedPackage Check(PackageInput input, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(errors);
        var name = Text(input.Name, "/name", "", "服务包名称", MaxNameLength, required: true, errors) ?? "";
        var kind = input.Kind?.Trim() ?? "";
        if (kind.Length == 0)
        {
            errors.Add(new ValidationError("/kind", ErrorCodes.Required, "请选择服务包类型 kind"));
        }
        else if (!PackageKinds.All.Contains(kind))
        {
            errors.Add(new ValidationError("/kind", ErrorCodes.Enum, $"服务包类型应为：{string.Join("、", PackageKinds.All)}"));
        }

        var description = Text(input.Description, "/description", "", "说明", MaxDescriptionLength, required: false, errors);
        var populations = TargetPopulations(input.TargetPopulations, errors);
        var price = Amount(input.Price, "/price", "", "价格", required: true, errors);
        var subsidy = Amount(input.Subsidy, "/subsidy", "", "补助", required: false, errors);
        if (price is { } p && subsidy is { } s && s > p)
        {
            errors.Add(new ValidationError("/subsidy", ErrorCodes.Maximum, $"补助（{s} 元）不能超过价格（{p} 元）"));
        }

        if (input.ValidFrom is null)
        {
            errors.Add(new ValidationError("/validFrom", ErrorCodes.Required, "请填写有效期开始日期 validFrom"));
        }

        if (input.ValidTo is null)
        {
            errors.Add(new ValidationError("/validTo", ErrorCodes.Required, "请填写有效期结束日期 validTo"));
        }
        else if (input.ValidFrom is { } from && input.ValidTo < from)
        {
            errors.Add(new ValidationError("/validTo", ErrorCodes.Minimum, "有效期结束日期不能早于开始日期"));
        }

        var template = string.IsNullOrWhiteSpace(input.AgreementTemplate) ? null : input.AgreementTemplate;
        if (template is { Length: > MaxTemplateLength })
        {
            errors.Add(new ValidationError("/agreementTemplate", ErrorCodes.MaxLength, $"签约协议模板不能超过 {MaxTemplateLength} 个字符"));
        }
        else if (template is not null && AgreementTemplates.Check(template) is { } problem)
        {
            errors.Add(new ValidationError("/agreementTemplate", "template", $"签约协议模板有误：{problem}"));
        }

        var items = Items(input.Items, errors);
        return new CheckedPackage(name, kind, description, populations, price ?? 0, subsidy ?? 0, input.ValidFrom ?? default, input.ValidTo ?? default, template, items);
    }

    private static List<string> TargetPopulations(IReadOnlyList<string>? values, List<ValidationError> errors)
    {
        var populations = new List<string>();
        for (var i = 0; i < (values?.Count ?? 0); i++)
        {
            var value = values![i].Trim();
            if (!Populations.Contains(value))
            {
                errors.Add(new ValidationError($"/targetPopulations/{i}", ErrorCodes.Enum, $"未知的服务人群“{value}”，可选：{string.Join("、", Populations)}"));
            }
            else if (populations.Contains(value))
            {
                errors.Add(new ValidationError($"/targetPopulations/{i}", ErrorCodes.UniqueItems, $"服务人群“{value}”重复"));
            }
            else
            {
                populations.Add(value);
            }
        }

        return populations;
    }

    private static List<PackageItemInput> Items(IReadOnlyList<PackageItemInput>? items, List<ValidationError> errors)
    {
        if (items is null || items.Count == 0)
        {
            errors.Add(new ValidationError("/items", items is null ? ErrorCodes.Required : ErrorCodes.MinItems, "服务包至少应有一项服务 items"));
            return [];
        }

        if (items.Count > MaxItems)
        {
            errors.Add(new ValidationError("/items", ErrorCodes.MaxItems, $"一个服务包最多 {MaxItems} 项服务，现有 {items.Count} 项"));
            return [];
        }

        var checkedItems = new List<PackageItemInput>(items.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var at = $"/items/{i}";
            var row = $"第 {i + 1} 项服务：";
            var name = Text(item.Name, at + "/name", row, "名称", MaxNameLength, required: true, errors);
            if (name is not null && !names.Add(name))
            {
                errors.Add(new ValidationError(at + "/name", ErrorCodes.UniqueItems, $"{row}名称“{name}”与前面的服务重复"));
            }

            var serviceType = Text(item.ServiceType, at + "/serviceType", row, "服务类型", MaxServiceTypeLength, required: false, errors);
            if (item.TimesPerYear is not { } times)
            {
                errors.Add(new ValidationError(at + "/timesPerYear", ErrorCodes.Required, $"{row}请填写每年次数 timesPerYear"));
            }
            else if (times is < 0 or > MaxTimesPerYear)
            {
                errors.Add(new ValidationError(at + "/timesPerYear", times < 0 ? ErrorCodes.Minimum : ErrorCodes.Maximum, $"{row}每年次数应在 0～{MaxTimesPerYear} 之间"));
            }

            var price = Amount(item.Price, at + "/price", row, "价格", required: false, errors);
            var subsidy = Amount(item.Subsidy, at + "/subsidy", row, "补助", required: false, errors);
            // Without a price the item is free: any subsidy exceeds it. A price already refused is not compared.
            if (subsidy is { } itemSubsidy && (item.Price is null || price is not null) && itemSubsidy > (price ?? 0))
            {
                errors.Add(new ValidationError(at + "/subsidy", ErrorCodes.Maximum, $"{row}补助（{subsidy} 元）不能超过价格（{price ?? 0} 元）"));
            }

            var formId = string.IsNullOrWhiteSpace(item.FormId) ? null : item.FormId.Trim();
            checkedItems.Add(new PackageItemInput(name, formId, serviceType, item.TimesPerYear, price ?? 0, subsidy ?? 0));
        }

        return checkedItems;
    }

    /// <summary>Trimmed text, null when empty; <paramref name="row"/> starts the messages of an item (第 2 项服务：).</summary>
    private static string? Text(string? value, string path, string row, string label, int maxLength, bool required, List<ValidationError> errors)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            if (required)
            {
                errors.Add(new ValidationError(path, ErrorCodes.Required, $"{row}请填写{label}"));
            }

            return null;
        }

        if (text.Length > maxLength)
        {
            errors.Add(new ValidationError(path, ErrorCodes.MaxLength, $"{row}{label}不能超过 {maxLength} 个字"));
            return null;
        }

        return text;
    }

    /// <summary>An amount in yuan: 0 to 100,000 with at most two decimals.</summary>
    private static decimal? Amount(decimal? value, string path, string row, string label, bool required, List<ValidationError> errors)
    {
        if (value is not { } amount)
        {
            if (required)
            {
                errors.Add(new ValidationError(path, ErrorCodes.Required, $"{row}请填写{label}（元）"));
            }

            return null;
        }

        if (amount is < 0 or > MaxAmount)
        {
            errors.Add(new ValidationError(path, amount < 0 ? ErrorCodes.Minimum : ErrorCodes.Maximum, $"{row}{label}应在 0～{MaxAmount:0} 元之间"));
            return null;
        }

        if (decimal.Round(amount, 2) != amount)
        {
            errors.Add(new ValidationError(path, Decimals, $"{row}{label}最多保留两位小数（到分）"));
            return null;
        }

        return amount;
    }
}
