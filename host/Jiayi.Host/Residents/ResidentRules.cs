using Jiayi.Data.Organizations;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Identity;

namespace Jiayi.Host.Residents;

/// <summary>
/// The field rules of one resident, shared by the API (<see cref="ResidentService"/>) and the batch import
/// (<see cref="ResidentImport"/>) so that both accept and refuse the same values with the same Chinese messages.
/// Each check adds its problems to <c>errors</c> at the API's JSON paths (<c>/name</c>, <c>/tags/0</c> …) and
/// returns the cleaned value; the import names the columns from those paths.
/// </summary>
public static class ResidentRules
{
    public const int MaxNameLength = 50;
    public const int MaxAddressDetailLength = 200;

    public static string? Name(string? name, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors.Add(new ValidationError("/name", ErrorCodes.Required, "请填写姓名"));
            return null;
        }

        if (trimmed.Length > MaxNameLength)
        {
            errors.Add(new ValidationError("/name", ErrorCodes.MaxLength, $"姓名不能超过 {MaxNameLength} 个字"));
            return null;
        }

        return trimmed;
    }

    /// <summary>The ID number (GB 11643), and the sex and birth date when given: they must agree with it.</summary>
    public static ChineseIdNumberResult IdNumber(string? idNumber, string? sex, DateOnly? birthDate, DateOnly today, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var id = ChineseIdNumber.Parse(idNumber, today);
        if (!id.IsValid)
        {
            errors.Add(new ValidationError("/idNumber", id.ErrorCode ?? ErrorCodes.Format, id.Error ?? "身份证号无效"));
            return id;
        }

        if (sex is not null && sex != id.Sex)
        {
            errors.Add(new ValidationError("/sex", "mismatch", $"性别“{sex}”与身份证号不符（身份证号显示为{id.Sex}）"));
        }

        if (birthDate is { } birth && birth != id.BirthDate)
        {
            errors.Add(new ValidationError("/birthDate", "mismatch", $"出生日期 {birth:yyyy-MM-dd} 与身份证号不符（身份证号显示为 {id.BirthDate:yyyy-MM-dd}）"));
        }

        return id;
    }

    /// <summary>A mobile (11 digits) or landline number, trimmed; null when empty.</summary>
    public static string? Phone(string? phone, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var trimmed = phone?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (!IsPhone(trimmed))
        {
            errors.Add(new ValidationError("/phone", ErrorCodes.Format, "电话号码格式不正确：手机号为 11 位数字，座机可含区号和“-”"));
        }

        return trimmed;
    }

    public static string? AddressDetail(string? detail, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var trimmed = detail?.Trim();
        if (trimmed is { Length: > MaxAddressDetailLength })
        {
            errors.Add(new ValidationError("/addressDetail", ErrorCodes.MaxLength, $"详细地址不能超过 {MaxAddressDetailLength} 个字"));
        }

        return trimmed;
    }

    /// <summary>The managing organisation must be an institution or a family-doctor team.</summary>
    public static bool CanManage(Organization org, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(org);
        ArgumentNullException.ThrowIfNull(errors);
        if (org.Kind is OrganizationKinds.Institution or OrganizationKinds.Team)
        {
            return true;
        }

        errors.Add(new ValidationError("/orgId", ErrorCodes.Enum, $"“{org.Name}”不是医疗机构或家庭医生团队：居民须由机构或团队管理"));
        return false;
    }

    public static void RelationToHead(string? relation, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (relation is not null && !KeyPopulations.Relations.Contains(relation))
        {
            errors.Add(new ValidationError("/relationToHead", ErrorCodes.Enum, $"与户主关系应为：{string.Join("、", KeyPopulations.Relations)}"));
        }
    }

    /// <summary>Recorded key-population codes, without repeats; the age-based ones are refused (they are derived).</summary>
    public static List<string> Tags(IReadOnlyList<string>? tags, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var kept = new List<string>();
        for (var i = 0; i < (tags?.Count ?? 0); i++)
        {
            var tag = tags![i];
            if (tag is KeyPopulations.Elderly or KeyPopulations.Child)
            {
                errors.Add(new ValidationError($"/tags/{i}", ErrorCodes.Enum, $"“{KeyPopulations.NameOf(tag)}”由出生日期自动判断，不能手工设置"));
            }
            else if (!KeyPopulations.Recorded.Contains(tag))
            {
                errors.Add(new ValidationError($"/tags/{i}", ErrorCodes.Enum, $"未知的重点人群“{tag}”"));
            }
            else if (!kept.Contains(tag))
            {
                kept.Add(tag);
            }
        }

        return kept;
    }

    public static bool IsPhone(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        return (phone.Length == 11 && phone[0] == '1' && phone.All(char.IsAsciiDigit))
            || (phone.Length is >= 7 and <= 20 && phone.All(c => char.IsAsciiDigit(c) || c == '-') && phone.Count(char.IsAsciiDigit) >= 7);
    }
}
