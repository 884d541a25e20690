using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Jiayi.Engine.Identity;

/// <summary>
/// The resident identity number (居民身份证号码, GB 11643-1999): <c>AAAAAA YYYYMMDD SSS C</c> — address code,
/// birth date, sequence code (the 17th digit odd for men, even for women) and an ISO 7064 MOD 11-2 check character.
/// It is checked here once, in the engine, so that the web, the offline apps and the API accept and refuse the same
/// numbers with the same Chinese messages; and masked here, because the number must never be shown or logged in full
/// where it is not needed (个人信息保护法).
/// </summary>
public static class ChineseIdNumber
{
    /// <summary>The length of a current (second-generation) number; the legacy 15-digit number is not accepted.</summary>
    public const int Length = 18;

    /// <summary>The value of <see cref="ChineseIdNumberResult.Sex"/> when the 17th digit is odd.</summary>
    public const string Male = "男";

    /// <summary>The value of <see cref="ChineseIdNumberResult.Sex"/> when the 17th digit is even.</summary>
    public const string Female = "女";

    private const int LegacyLength = 15;

    /// <summary>Indexed by S mod 11, where S is the weighted sum of the first 17 digits.</summary>
    private const string CheckCharacters = "10X98765432";

    /// <summary>The ISO 7064 MOD 11-2 weights 2^(18−i) mod 11 of positions 1–17; a span over the assembly's data, never an array.</summary>
    private static ReadOnlySpan<byte> Weights => [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>
    /// Checks a number as typed and, when it is valid, returns it normalised with the birth date, sex and address
    /// code it carries. Surrounding whitespace is ignored, and the ways people and input methods commonly type the
    /// digits and the X (lower-case x, full-width Ｘ/ｘ, the Roman numeral Ⅹ, full-width ０–９) are accepted;
    /// anything else — inner spaces, hyphens, other letters — is refused rather than guessed at.
    /// The first failing check decides the error: required, length, format, region, date, checksum.
    /// </summary>
    /// <param name="input">The number as entered.</param>
    /// <param name="today">The current date in China; a birth date after it is refused.</param>
    public static ChineseIdNumberResult Parse(string? input, DateOnly today)
    {
        var trimmed = input.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return ChineseIdNumberResult.Invalid(ChineseIdNumberErrorCodes.Required, "请填写身份证号");
        }

        if (trimmed.Length != Length)
        {
            return ChineseIdNumberResult.Invalid(ChineseIdNumberErrorCodes.Length, LengthMessage(trimmed));
        }

        // Every accepted substitute is a single UTF-16 unit, so normalising never changes the length.
        Span<char> id = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            id[i] = NormalizeChar(trimmed[i]);
        }

        if (!IsWellFormed(id))
        {
            return ChineseIdNumberResult.Invalid(ChineseIdNumberErrorCodes.Format, "身份证号只能由数字和末位的X组成");
        }

        ReadOnlySpan<char> province = id[..2];
        if (!IsProvinceCode(((province[0] - '0') * 10) + (province[1] - '0')))
        {
            return ChineseIdNumberResult.Invalid(
                ChineseIdNumberErrorCodes.Region, $"身份证号前两位“{province}”不是有效的省级行政区划代码");
        }

        ReadOnlySpan<char> birthText = id.Slice(6, 8);
        if (!DateOnly.TryParseExact(birthText, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birthDate))
        {
            return ChineseIdNumberResult.Invalid(ChineseIdNumberErrorCodes.Date, $"身份证号中的出生日期“{birthText}”不是有效日期");
        }

        if (birthDate < new DateOnly(1900, 1, 1))
        {
            return ChineseIdNumberResult.Invalid(
                ChineseIdNumberErrorCodes.Date, $"身份证号中的出生日期“{birthText}”早于1900年1月1日，不是有效的出生日期");
        }

        if (birthDate > today)
        {
            return ChineseIdNumberResult.Invalid(
                ChineseIdNumberErrorCodes.Date,
                string.Create(CultureInfo.InvariantCulture, $"身份证号中的出生日期“{birthText}”晚于今天（{today:yyyy-MM-dd}），不是有效的出生日期"));
        }

        var expected = CheckCharacterOf(id[..17]);
        if (id[17] != expected)
        {
            return ChineseIdNumberResult.Invalid(ChineseIdNumberErrorCodes.Checksum, $"身份证号校验位应为“{expected}”，实际为“{id[17]}”");
        }

        // Numbers usually arrive already normalised (from storage or a careful client); then the input itself is the result.
        var normalized = input!.Length == Length && trimmed.SequenceEqual(id) ? input : new string(id);
        return ChineseIdNumberResult.Valid(
            normalized,
            birthDate,
            (id[16] - '0') % 2 == 1 ? Male : Female,
            normalized[..6]);
    }

    /// <summary>
    /// The check character (0–9 or X) of a number's first 17 digits — what the demo-data generator appends, and what
    /// <see cref="Parse"/> compares the 18th character against.
    /// </summary>
    /// <exception cref="ArgumentException">Not exactly 17 ASCII digits.</exception>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != Length - 1 || first17.ContainsAnyExceptInRange('0', '9'))
        {
            throw new ArgumentException("身份证号前17位应为17个数字", nameof(first17));
        }

        return CheckCharacterOf(first17);
    }

    /// <summary>
    /// The number for display: the address code (first 6) and the last 4 kept, the birth date and the rest of the
    /// sequence code hidden (<c>610402********1234</c>) — enough for staff to tell residents apart, not enough to
    /// reveal a birthday. Anything that is not 18 characters is hidden entirely, so that a malformed stored value
    /// can never leak more than a valid one.
    /// </summary>
    public static string Mask(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        return normalized.Length == Length ? MaskMiddle(normalized, 6, 4) : new string('*', normalized.Length);
    }

    /// <summary>
    /// A phone number for display: an 11-digit mobile keeps its first 3 and last 4 (<c>138****1234</c>), the
    /// convention residents recognise; other numbers of 7 or more characters keep the first 2 and last 2; shorter ones
    /// are hidden entirely, since 2 + 2 would then show most of the number.
    /// </summary>
    public static string MaskPhone(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        return phone.Length switch
        {
            11 => MaskMiddle(phone, 3, 4),
            >= 7 => MaskMiddle(phone, 2, 2),
            _ => new string('*', phone.Length),
        };
    }

    private static string MaskMiddle(string value, int head, int tail) =>
        string.Create(value.Length, (value, head, tail), static (span, state) =>
        {
            var (text, keepHead, keepTail) = state;
            text.AsSpan(0, keepHead).CopyTo(span);
            span[keepHead..^keepTail].Fill('*');
            text.AsSpan(text.Length - keepTail).CopyTo(span[^keepTail..]);
        });

    /// <summary>Maps the accepted variants of a digit or X to ASCII; everything else is left for the format check to refuse.</summary>
    private static char NormalizeChar(char c) => c switch
    {
        'x' or 'Ｘ' or 'ｘ' or 'Ⅹ' => 'X',
        >= '０' and <= '９' => (char)('0' + (c - '０')),
        _ => c,
    };

    private static bool IsWellFormed(ReadOnlySpan<char> id) =>
        !id[..17].ContainsAnyExceptInRange('0', '9') && (char.IsAsciiDigit(id[17]) || id[17] == 'X');

    /// <summary>
    /// The GB/T 2260 province-level codes: 11–15 华北, 21–23 东北, 31–37 华东, 41–46 中南, 50–54 西南,
    /// 61–65 西北, 71 台湾, 81 香港, 82 澳门.
    /// </summary>
    private static bool IsProvinceCode(int code) =>
        code is (>= 11 and <= 15) or (>= 21 and <= 23) or (>= 31 and <= 37) or (>= 41 and <= 46)
            or (>= 50 and <= 54) or (>= 61 and <= 65) or 71 or 81 or 82;

    private static char CheckCharacterOf(ReadOnlySpan<char> first17)
    {
        var weights = Weights;
        var sum = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += (first17[i] - '0') * weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>A 15-digit number is almost always the legacy first-generation number, so say what to do about it.</summary>
    private static string LengthMessage(ReadOnlySpan<char> trimmed)
    {
        var legacy = trimmed.Length == LegacyLength;
        foreach (var c in trimmed)
        {
            legacy &= char.IsAsciiDigit(NormalizeChar(c));
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"身份证号应为18位，实际为 {trimmed.Length} 位{(legacy ? "（15位旧号码请换用18位号码）" : "")}");
    }
}

/// <summary>The stable codes of <see cref="ChineseIdNumberResult.ErrorCode"/>, one per check, in the order they are made.</summary>
public static class ChineseIdNumberErrorCodes
{
    /// <summary>Nothing but whitespace was given.</summary>
    public const string Required = "required";

    /// <summary>Not 18 characters after trimming.</summary>
    public const string Length = "length";

    /// <summary>A character other than a digit, or other than a digit or X in the last place.</summary>
    public const string Format = "format";

    /// <summary>The first two digits are not a province-level code.</summary>
    public const string Region = "region";

    /// <summary>Digits 7–14 are not a real date, or one before 1900-01-01 or after today.</summary>
    public const string Date = "date";

    /// <summary>The 18th character is not the ISO 7064 MOD 11-2 check character of the first 17.</summary>
    public const string Checksum = "checksum";
}

/// <summary>
/// The outcome of <see cref="ChineseIdNumber.Parse"/>: either the normalised number with what it encodes, or an error
/// code and Chinese message (never both). Immutable, so it can be cached and shared; its <see cref="ToString"/> masks
/// the number so that logging a result never writes a full identity number.
/// </summary>
public sealed record ChineseIdNumberResult
{
    private ChineseIdNumberResult(bool isValid, string? normalized, DateOnly? birthDate, string? sex, string? addressCode, string? errorCode, string? error)
    {
        IsValid = isValid;
        Normalized = normalized;
        BirthDate = birthDate;
        Sex = sex;
        AddressCode = addressCode;
        ErrorCode = errorCode;
        Error = error;
    }

    /// <summary>Whether the number passed every check; then the number's fields are set and the error ones are null.</summary>
    [MemberNotNullWhen(true, nameof(Normalized), nameof(BirthDate), nameof(Sex), nameof(AddressCode))]
    [MemberNotNullWhen(false, nameof(ErrorCode), nameof(Error))]
    public bool IsValid { get; }

    /// <summary>The 18 characters, ASCII digits and upper-case X, without surrounding whitespace.</summary>
    public string? Normalized { get; }

    /// <summary>Digits 7–14.</summary>
    public DateOnly? BirthDate { get; }

    /// <summary><see cref="ChineseIdNumber.Male"/> ("男") when the 17th digit is odd, <see cref="ChineseIdNumber.Female"/> ("女") when even.</summary>
    public string? Sex { get; }

    /// <summary>
    /// The first 6 digits: the GB/T 2260 code of the place of <em>first</em> registration. It does not change when the
    /// holder moves and may be a retired code (610427 彬县), so it is not the current address.
    /// </summary>
    public string? AddressCode { get; }

    /// <summary>One of <see cref="ChineseIdNumberErrorCodes"/>.</summary>
    public string? ErrorCode { get; }

    /// <summary>A Chinese message that says what is wrong, for display at the ID number field.</summary>
    public string? Error { get; }

    internal static ChineseIdNumberResult Valid(string normalized, DateOnly birthDate, string sex, string addressCode) =>
        new(true, normalized, birthDate, sex, addressCode, null, null);

    internal static ChineseIdNumberResult Invalid(string errorCode, string error) =>
        new(false, null, null, null, null, errorCode, error);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"IsValid = {IsValid}");
        if (IsValid)
        {
            builder.Append(CultureInfo.InvariantCulture, $", Normalized = {ChineseIdNumber.Mask(Normalized)}, Sex = {Sex}, AddressCode = {AddressCode}");
        }
        else
        {
            builder.Append(CultureInfo.InvariantCulture, $", ErrorCode = {ErrorCode}, Error = {Error}");
        }

        return true;
    }
}
