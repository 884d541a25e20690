using Jiayi.Data.Organizations;
using Jiayi.Engine.Forms;
using Jiayi.Host.Residents;

namespace Jiayi.Host.Organizations;

/// <summary>What a client sends to create or change an organisation node; kind and parent are fixed once created.</summary>
public sealed record OrganizationInput(
    string? Kind,
    string? Code,
    string? Name,
    Guid? ParentId,
    string? Level = null,
    string? Category = null,
    int? Beds = null,
    string? Address = null,
    string? ContactPerson = null,
    string? ContactPhone = null,
    bool? IsActive = null);

/// <summary>The fields of an <see cref="OrganizationInput"/> once checked: trimmed, empty text as null.</summary>
public sealed record OrganizationFields(string Code, string Name, string? Level, string? Category, int? Beds, string? Address, string? ContactPerson, string? ContactPhone);

/// <summary>
/// The rules every node created or changed through the API or the Excel import must satisfy, in one place:
/// which kinds may be created under which parents, the code, name, bed and phone formats, and the institution
/// grades and types. Errors are data at JSON paths (<c>/code</c>, <c>/beds</c> …), never exceptions.
/// </summary>
public static class OrganizationRules
{
    public const int MaxCodeLength = 32;
    public const int MaxNameLength = 100;
    public const int MaxBeds = 20_000;
    public const int MaxPathLength = 400;

    /// <summary>Kinds the API creates; divisions come from <c>definitions/reference</c>.</summary>
    public static readonly IReadOnlyList<string> CreatableKinds = [OrganizationKinds.HealthDepartment, OrganizationKinds.Institution, OrganizationKinds.Team];

    /// <summary>
    /// Institution grades. A province may use other lists: these (and <see cref="InstitutionCategories"/>)
    /// should move to a reference file under <c>definitions/</c> when the definition designer arrives.
    /// </summary>
    public static readonly IReadOnlyList<string> InstitutionLevels = ["三级", "二级", "一级", "未定级"];

    /// <summary>Institution types; see <see cref="InstitutionLevels"/> about moving them to <c>definitions/</c>.</summary>
    public static readonly IReadOnlyList<string> InstitutionCategories =
    [
        "综合医院", "中医医院", "专科医院", "社区卫生服务中心", "社区卫生服务站", "乡镇卫生院",
        "村卫生室", "门诊部", "诊所", "妇幼保健院", "疾病预防控制中心", "其他",
    ];

    /// <summary>Why a node of <paramref name="kind"/> cannot hang under a <paramref name="parentKind"/> node, or null when it can.</summary>
    public static string? ParentProblem(string kind, string parentKind) => (kind, parentKind) switch
    {
        (OrganizationKinds.HealthDepartment, OrganizationKinds.Division) => null,
        (OrganizationKinds.HealthDepartment, _) => "卫生部门的上级应为行政区划",
        (OrganizationKinds.Institution, OrganizationKinds.Division or OrganizationKinds.Institution) => null,
        (OrganizationKinds.Institution, _) => "医疗机构的上级应为行政区划或医疗机构（分支机构）",
        (OrganizationKinds.Team, OrganizationKinds.Institution) => null,
        _ => "家庭医生团队的上级应为医疗机构",
    };

    /// <summary>Checks the fields of a node of the given kind (kind and parent are checked by the caller), adding errors at their paths.</summary>
    public static OrganizationFields Check(string kind, OrganizationInput input, List<ValidationError> errors)
    {
        var code = input.Code?.Trim() ?? "";
        if (code.Length == 0)
        {
            errors.Add(new ValidationError("/code", ErrorCodes.Required, "请填写代码"));
        }
        else if (code.Length > MaxCodeLength)
        {
            errors.Add(new ValidationError("/code", ErrorCodes.MaxLength, $"代码不能超过 {MaxCodeLength} 个字符"));
        }
        else if (!code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            errors.Add(new ValidationError("/code", ErrorCodes.Pattern, "代码只能包含英文字母、数字和“-”"));
        }

        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors.Add(new ValidationError("/name", ErrorCodes.Required, "请填写名称"));
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add(new ValidationError("/name", ErrorCodes.MaxLength, $"名称不能超过 {MaxNameLength} 个字"));
        }

        var level = Text(input.Level);
        var category = Text(input.Category);
        if (kind == OrganizationKinds.Institution)
        {
            if (level is not null && !InstitutionLevels.Contains(level))
            {
                errors.Add(new ValidationError("/level", ErrorCodes.Enum, $"机构级别应为：{string.Join("、", InstitutionLevels)}"));
            }

            if (category is not null && !InstitutionCategories.Contains(category))
            {
                errors.Add(new ValidationError("/category", ErrorCodes.Enum, $"机构类型应为：{string.Join("、", InstitutionCategories)}"));
            }
        }
        else if (kind == OrganizationKinds.Team)
        {
            NotApplicable("/level", level, "级别", errors);
            NotApplicable("/category", category, "类别", errors);
        }
        else
        {
            MaxLength("/level", level, "级别", 32, errors);
            MaxLength("/category", category, "类别", 64, errors);
        }

        if (input.Beds is { } beds)
        {
            if (kind != OrganizationKinds.Institution)
            {
                errors.Add(new ValidationError("/beds", "not-applicable", "只有医疗机构填写床位数"));
            }
            else if (beds is < 0 or > MaxBeds)
            {
                errors.Add(new ValidationError("/beds", beds < 0 ? ErrorCodes.Minimum : ErrorCodes.Maximum, $"床位数应为 0～{MaxBeds} 之间的整数"));
            }
        }

        var address = Text(input.Address);
        MaxLength("/address", address, "地址", 300, errors);
        var contactPerson = Text(input.ContactPerson);
        MaxLength("/contactPerson", contactPerson, "联系人", 50, errors);
        var contactPhone = Text(input.ContactPhone);
        if (contactPhone is not null && !ResidentRules.IsPhone(contactPhone))
        {
            errors.Add(new ValidationError("/contactPhone", ErrorCodes.Format, PhoneMessage));
        }

        return new OrganizationFields(code, name, level, category, input.Beds, address, contactPerson, contactPhone);
    }

    /// <summary>Checks the path a code gives under a parent (it must fit the column), adding an error at <c>/code</c>.</summary>
    public static void CheckPath(string path, List<ValidationError> errors)
    {
        if (path.Length > MaxPathLength)
        {
            errors.Add(new ValidationError("/code", ErrorCodes.MaxLength, "层级过深或代码过长：完整路径超过 400 个字符"));
        }
    }

    /// <summary>Phone numbers follow the residents' rule (<see cref="ResidentRules.IsPhone"/>): one format across the platform.</summary>
    public const string PhoneMessage = "电话号码格式不正确：手机号为 11 位数字，座机可含区号和“-”";

    /// <summary>Trimmed text, or null when absent or blank.</summary>
    public static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static void MaxLength(string path, string? value, string label, int max, List<ValidationError> errors)
    {
        if (value is { Length: var length } && length > max)
        {
            errors.Add(new ValidationError(path, ErrorCodes.MaxLength, $"{label}不能超过 {max} 个字"));
        }
    }

    private static void NotApplicable(string path, string? value, string label, List<ValidationError> errors)
    {
        if (value is not null)
        {
            errors.Add(new ValidationError(path, "not-applicable", $"家庭医生团队不填写{label}"));
        }
    }
}
