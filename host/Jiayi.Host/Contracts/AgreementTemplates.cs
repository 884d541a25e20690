using Jiayi.Engine.Definitions;
using Jiayi.Engine.Templates;
using Jiayi.Host.Infrastructure;

namespace Jiayi.Host.Contracts;

/// <summary>
/// Agreement texts (签约协议书): a Scriban template per package, or the shipped default in
/// definitions/templates/contract-agreement.sbn. A contract keeps the text rendered when it was signed.
/// The names a template may read are those of <see cref="Sample"/>; an unknown name is refused when the
/// package (or the default file, at start) is saved.
/// </summary>
public sealed class AgreementTemplates
{
    public const string DefaultFile = "templates/contract-agreement.sbn";

    private readonly TextTemplate _default;

    public AgreementTemplates(JiayiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = Path.Combine(options.DefinitionsPath, DefaultFile);
        if (!File.Exists(path))
        {
            throw new DefinitionException([new DefinitionError("definitions/" + DefaultFile, "", "找不到默认签约协议模板")]);
        }

        _default = TextTemplate.TryParse(File.ReadAllText(path), Sample, out var error)
            ?? throw new DefinitionException([new DefinitionError("definitions/" + DefaultFile, "", error!)]);
    }

    public string DefaultText => _default.Source;

    /// <summary>Null when the template is fine; otherwise why not (Chinese, with line and column).</summary>
    public static string? Check(string template)
    {
        TextTemplate.TryParse(template, Sample, out var error);
        return error;
    }

    /// <summary>The text for one package of a contract.</summary>
    public string Render(string? packageTemplate, IReadOnlyDictionary<string, object?> model)
    {
        var template = string.IsNullOrWhiteSpace(packageTemplate)
            ? _default
            : TextTemplate.TryParse(packageTemplate, Sample, out _) ?? _default;
        return template.Render(model).Trim();
    }

    /// <summary>Every name an agreement template may read, with a value of its kind.</summary>
    public static IReadOnlyDictionary<string, object?> Sample { get; } = Model(
        contract: new() { ["number"] = "", ["start_date"] = "", ["end_date"] = "", ["sign_date"] = "", ["source"] = "" },
        resident: new() { ["name"] = "", ["sex"] = "", ["age"] = 0, ["id_number"] = "", ["phone"] = "", ["address"] = "" },
        team: new() { ["name"] = "" },
        institution: new() { ["name"] = "", ["address"] = "", ["phone"] = "" },
        doctor: new() { ["name"] = "" },
        package: Package("", "", 0m, 0m, "", [Item("", 0, 0m)]));

    public static Dictionary<string, object?> Model(
        Dictionary<string, object?> contract,
        Dictionary<string, object?> resident,
        Dictionary<string, object?> team,
        Dictionary<string, object?> institution,
        Dictionary<string, object?> doctor,
        Dictionary<string, object?> package) => new(StringComparer.Ordinal)
        {
            ["contract"] = contract,
            ["resident"] = resident,
            ["team"] = team,
            ["institution"] = institution,
            ["doctor"] = doctor,
            ["package"] = package,
        };

    public static Dictionary<string, object?> Package(string name, string kind, decimal price, decimal subsidy, string description, List<object?> items) => new(StringComparer.Ordinal)
    {
        ["name"] = name,
        ["kind"] = kind,
        ["price"] = price,
        ["subsidy"] = subsidy,
        ["self_pay"] = price - subsidy,
        ["description"] = description,
        ["items"] = items,
    };

    public static Dictionary<string, object?> Item(string name, int timesPerYear, decimal price) => new(StringComparer.Ordinal)
    {
        ["name"] = name,
        ["times_per_year"] = timesPerYear,
        ["price"] = price,
    };
}
