using Jiayi.Engine.Identity;

namespace Jiayi.Engine.Tests.Identity;

/// <summary>
/// The resident identity number (GB 11643-1999): check characters worked out by hand rather than by the code under
/// test, Xianyang numbers including the retired 彬县 code, sex, normalisation, every error in its order, and masking.
/// </summary>
public class ChineseIdNumberTests
{
    /// <summary>A fixed "today", so that the future-date checks do not drift.</summary>
    private static readonly DateOnly Today = new(2026, 11, 20);

    private static ChineseIdNumberResult Parse(string? input) => ChineseIdNumber.Parse(input, Today);

    /// <summary>For tests about other checks only: appends the check character so that the checksum cannot be why a number fails.</summary>
    private static string WithCheck(string first17) => first17 + ChineseIdNumber.CheckCharacter(first17);

    private static void AssertError(ChineseIdNumberResult result, string code, string message)
    {
        Assert.False(result.IsValid);
        Assert.Equal((code, message), (result.ErrorCode, result.Error));
        Assert.Null(result.Normalized);
        Assert.Null(result.BirthDate);
        Assert.Null(result.Sex);
        Assert.Null(result.AddressCode);
    }

    // Weights of positions 1–17: 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; check characters by S mod 11 = 0..10: 1 0 X 9 8 7 6 5 4 3 2.

    [Fact]
    public void The_GB_11643_example_11010519491231002X_ends_in_X()
    {
        // 1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10 + 1·5 + 0·8 + 0·4 + 2·2
        // = 7 + 9 + 0 + 5 + 0 + 20 + 2 + 9 + 24 + 27 + 7 + 18 + 30 + 5 + 0 + 0 + 4 = 167; 167 = 15·11 + 2 → "X".
        Assert.Equal('X', ChineseIdNumber.CheckCharacter("11010519491231002"));

        var result = Parse("11010519491231002X");
        Assert.True(result.IsValid, result.Error);
        Assert.Equal("11010519491231002X", result.Normalized);
        Assert.Equal(new DateOnly(1949, 12, 31), result.BirthDate);
        Assert.Equal("女", result.Sex); // 17th digit 2
        Assert.Equal("110105", result.AddressCode);
        Assert.Null(result.ErrorCode);
        Assert.Null(result.Error);
    }

    [Fact]
    public void A_Qindu_number_610402198001011233_is_valid()
    {
        // 6·7 + 1·9 + 0·10 + 4·5 + 0·8 + 2·4 + 1·2 + 9·1 + 8·6 + 0·3 + 0·7 + 1·9 + 0·10 + 1·5 + 1·8 + 2·4 + 3·2
        // = 42 + 9 + 0 + 20 + 0 + 8 + 2 + 9 + 48 + 0 + 0 + 9 + 0 + 5 + 8 + 8 + 6 = 174; 174 = 15·11 + 9 → "3".
        Assert.Equal('3', ChineseIdNumber.CheckCharacter("61040219800101123"));

        var result = Parse("610402198001011233");
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(
            ("610402198001011233", (DateOnly?)new DateOnly(1980, 1, 1), "男", "610402"),
            (result.Normalized, result.BirthDate, result.Sex, result.AddressCode));
    }

    [Fact]
    public void A_number_of_the_retired_Binxian_code_610427_is_still_valid()
    {
        // 6·7 + 1·9 + 0·10 + 4·5 + 2·8 + 7·4 + 1·2 + 9·1 + 6·6 + 5·3 + 0·7 + 3·9 + 1·10 + 5·5 + 2·8 + 0·4 + 4·2
        // = 42 + 9 + 0 + 20 + 16 + 28 + 2 + 9 + 36 + 15 + 0 + 27 + 10 + 25 + 16 + 0 + 8 = 263; 263 = 23·11 + 10 → "2".
        var result = Parse("610427196503152042");
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(
            ("610427", (DateOnly?)new DateOnly(1965, 3, 15), "女"),
            (result.AddressCode, result.BirthDate, result.Sex));
    }

    [Fact]
    public void A_Binzhou_number_610482_ending_in_X_is_valid()
    {
        // 6·7 + 1·9 + 0·10 + 4·5 + 8·8 + 2·4 + 2·2 + 0·1 + 1·6 + 9·3 + 0·7 + 7·9 + 0·10 + 4·5 + 5·8 + 1·4 + 7·2
        // = 42 + 9 + 0 + 20 + 64 + 8 + 4 + 0 + 6 + 27 + 0 + 63 + 0 + 20 + 40 + 4 + 14 = 321; 321 = 29·11 + 2 → "X".
        var result = Parse("61048220190704517X");
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(
            ("610482", (DateOnly?)new DateOnly(2019, 7, 4), "男"),
            (result.AddressCode, result.BirthDate, result.Sex));
    }

    // Every remainder 0–10 once, in order. The first 16 digits 6104021980010112 weigh 174 − 3·2 = 168 (see the Qindu case);
    // the 17th digit d adds 2d. 6104021980010113 (16th digit 3) weighs 168 + 4 = 172.
    [Theory]
    [InlineData("61040219800101124", '1')]  // 168 + 8 = 176 = 16·11
    [InlineData("61040219800101138", '0')]  // 172 + 16 = 188 = 17·11 + 1
    [InlineData("61040219800101125", 'X')]  // 168 + 10 = 178 = 16·11 + 2
    [InlineData("61040219800101120", '9')]  // 168 + 0 = 168 = 15·11 + 3
    [InlineData("61040219800101126", '8')]  // 168 + 12 = 180 = 16·11 + 4
    [InlineData("61040219800101121", '7')]  // 168 + 2 = 170 = 15·11 + 5
    [InlineData("61040219800101127", '6')]  // 168 + 14 = 182 = 16·11 + 6
    [InlineData("61040219800101122", '5')]  // 168 + 4 = 172 = 15·11 + 7
    [InlineData("61040219800101128", '4')]  // 168 + 16 = 184 = 16·11 + 8
    [InlineData("61040219800101123", '3')]  // 168 + 6 = 174 = 15·11 + 9
    [InlineData("61040219800101129", '2')]  // 168 + 18 = 186 = 16·11 + 10
    public void Every_remainder_maps_to_its_check_character(string first17, char expected)
    {
        Assert.Equal(expected, ChineseIdNumber.CheckCharacter(first17));
        Assert.True(Parse(first17 + expected).IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("6104021980010112")]
    [InlineData("610402198001011233")]
    [InlineData("6104021980010112X")]
    [InlineData("6104021980010112３")]
    public void Check_character_needs_exactly_17_ascii_digits(string first17)
    {
        Assert.Throws<ArgumentException>(nameof(first17), () => ChineseIdNumber.CheckCharacter(first17));
    }

    [Theory]
    [InlineData("610402198001011209", "女")] // 17th digit 0
    [InlineData("610402198001011217", "男")] // 1
    [InlineData("610402198001011225", "女")] // 2
    [InlineData("610402198001011233", "男")] // 3
    [InlineData("610402198001011241", "女")] // 4
    [InlineData("61040219800101125X", "男")] // 5
    [InlineData("610402198001011268", "女")] // 6
    [InlineData("610402198001011276", "男")] // 7
    [InlineData("610402198001011284", "女")] // 8
    [InlineData("610402198001011292", "男")] // 9
    public void Sex_follows_the_17th_digit_odd_male_even_female(string id, string sex)
    {
        var result = Parse(id);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(sex, result.Sex);
    }

    [Theory]
    [InlineData("11010519491231002x", "11010519491231002X")]
    [InlineData("11010519491231002Ｘ", "11010519491231002X")]
    [InlineData("11010519491231002ｘ", "11010519491231002X")]
    [InlineData("11010519491231002Ⅹ", "11010519491231002X")]
    [InlineData("６１０４０２１９８００１０１１２３３", "610402198001011233")]
    [InlineData("６１０４８２２０１９０７０４５１７ｘ", "61048220190704517X")]
    [InlineData("61040219800101１２３３", "610402198001011233")]
    [InlineData("  610402198001011233  ", "610402198001011233")]
    [InlineData("\t610402198001011233\r\n", "610402198001011233")]
    [InlineData("\u3000610402198001011233\u3000", "610402198001011233")] // full-width space from a Chinese input method
    public void Typed_variants_of_digits_and_X_are_normalised(string input, string normalized)
    {
        var result = Parse(input);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(normalized, result.Normalized);
    }

    [Fact]
    public void An_already_normalised_number_is_returned_as_given()
    {
        var input = "610402198001011233";
        Assert.Same(input, Parse(input).Normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u3000")]
    public void An_empty_number_is_required(string? input)
    {
        AssertError(Parse(input), "required", "请填写身份证号");
    }

    [Theory]
    [InlineData("61040219800101123", 17)]
    [InlineData("6104021980010112330", 19)]
    [InlineData("6", 1)]
    [InlineData("610402 198001011233", 19)]   // inner space: not stripped
    [InlineData("610402-19800101-1233", 20)]  // hyphens: not stripped
    [InlineData("61040280010112X", 15)]       // 15 characters, but not the all-digit legacy number
    public void A_number_not_18_characters_long_says_how_long_it_is(string input, int length)
    {
        AssertError(Parse(input), "length", $"身份证号应为18位，实际为 {length} 位");
    }

    [Theory]
    [InlineData("610402800101123")]
    [InlineData("６１０４０２８００１０１１２３")]
    [InlineData(" 610402800101123 ")]
    public void A_15_digit_legacy_number_is_asked_to_be_replaced(string input)
    {
        AssertError(Parse(input), "length", "身份证号应为18位，实际为 15 位（15位旧号码请换用18位号码）");
    }

    [Theory]
    [InlineData("6104021980O1011233")] // letter O for zero
    [InlineData("61040219800l011233")] // letter l for one
    [InlineData("6104X2198001011233")] // X only in the last place
    [InlineData("61040219800101123A")]
    [InlineData("61040219800101123Χ")] // Greek capital chi, not X
    [InlineData("61040219800101123*")]
    [InlineData("６１０４０２１９８００１０１１２３Ｙ")]
    public void Letters_or_signs_other_than_a_final_X_are_refused(string input)
    {
        AssertError(Parse(input), "format", "身份证号只能由数字和末位的X组成");
    }

    [Theory]
    [InlineData("990402198001011233", "99")]
    [InlineData("000402198001011233", "00")]
    [InlineData("100402198001011233", "10")]
    [InlineData("160402198001011233", "16")]
    [InlineData("240402198001011233", "24")]
    [InlineData("380402198001011233", "38")]
    [InlineData("470402198001011233", "47")]
    [InlineData("550402198001011233", "55")]
    [InlineData("660402198001011233", "66")]
    [InlineData("720402198001011233", "72")]
    [InlineData("830402198001011233", "83")]
    [InlineData("９１０４０２１９８００１０１１２３３", "91")]
    public void A_number_outside_the_province_codes_is_refused(string input, string province)
    {
        AssertError(Parse(input), "region", $"身份证号前两位“{province}”不是有效的省级行政区划代码");
    }

    [Theory]
    [InlineData("11")]
    [InlineData("15")]
    [InlineData("21")]
    [InlineData("23")]
    [InlineData("31")]
    [InlineData("37")]
    [InlineData("41")]
    [InlineData("46")]
    [InlineData("50")]
    [InlineData("54")]
    [InlineData("61")]
    [InlineData("65")]
    [InlineData("71")]
    [InlineData("81")]
    [InlineData("82")]
    public void Every_province_code_range_is_accepted_at_both_ends(string province)
    {
        var result = Parse(WithCheck(province + "0101" + "19800101" + "123"));
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(province + "0101", result.AddressCode);
    }

    [Theory]
    [InlineData("19990230")] // no 30 February
    [InlineData("20231301")] // no 13th month
    [InlineData("19990229")] // 1999 is not a leap year
    [InlineData("19000229")] // nor is 1900
    [InlineData("19800100")]
    [InlineData("19800431")]
    [InlineData("00000101")]
    public void An_impossible_birth_date_is_refused(string birth)
    {
        AssertError(Parse(WithCheck("610402" + birth + "123")), "date", $"身份证号中的出生日期“{birth}”不是有效日期");
    }

    [Fact]
    public void A_leap_day_is_a_real_birth_date()
    {
        Assert.Equal(new DateOnly(2000, 2, 29), Parse(WithCheck("61040220000229123")).BirthDate);
    }

    [Theory]
    [InlineData("20261121")] // tomorrow
    [InlineData("20270101")]
    [InlineData("99991231")]
    public void A_birth_date_after_today_is_refused(string birth)
    {
        AssertError(
            Parse(WithCheck("610402" + birth + "123")),
            "date",
            $"身份证号中的出生日期“{birth}”晚于今天（2026-11-20），不是有效的出生日期");
    }

    [Theory]
    [InlineData("18991231")]
    [InlineData("18000101")]
    public void A_birth_date_before_1900_is_refused(string birth)
    {
        AssertError(
            Parse(WithCheck("610402" + birth + "123")),
            "date",
            $"身份证号中的出生日期“{birth}”早于1900年1月1日，不是有效的出生日期");
    }

    [Theory]
    [InlineData("19000101", 1900, 1, 1)]
    [InlineData("20261120", 2026, 11, 20)] // born today
    public void The_first_and_last_allowed_birth_dates_are_accepted(string birth, int year, int month, int day)
    {
        var result = Parse(WithCheck("610402" + birth + "123"));
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(new DateOnly(year, month, day), result.BirthDate);
    }

    [Theory]
    [InlineData("610402198001011234", "3", "4")]
    [InlineData("610402198001011230", "3", "0")]
    [InlineData("61040219800101123X", "3", "X")]
    [InlineData("61040219800101123x", "3", "X")] // reported as normalised
    [InlineData("110105194912310021", "X", "1")]
    [InlineData("610427196503152041", "2", "1")]
    [InlineData("610402198001011323", "1", "3")] // 16th and 17th digits swapped (…1233 → …1323): MOD 11-2 catches it
    public void A_wrong_check_character_names_the_right_one(string input, string expected, string actual)
    {
        AssertError(Parse(input), "checksum", $"身份证号校验位应为“{expected}”，实际为“{actual}”");
    }

    [Fact]
    public void The_first_failing_check_decides_the_error()
    {
        // Bad province, impossible date and wrong check character at once: the province is reported.
        Assert.Equal("region", Parse("990402199902301234").ErrorCode);

        // Impossible date and wrong check character: the date is reported.
        Assert.Equal("date", Parse("610402199902301234").ErrorCode);

        // A letter in a 17-character number: the length is reported.
        Assert.Equal("length", Parse("6104021980O101123").ErrorCode);
    }

    [Theory]
    [InlineData("610402198001011233", "610402********1233")]
    [InlineData("11010519491231002X", "110105********002X")]
    [InlineData("610402800101123", "***************")] // not 18 characters: hidden entirely
    [InlineData("", "")]
    public void An_id_number_is_masked_between_the_address_code_and_the_last_four(string id, string masked)
    {
        Assert.Equal(masked, ChineseIdNumber.Mask(id));
    }

    [Theory]
    [InlineData("13812341234", "138****1234")]
    [InlineData("02988881234", "029****1234")]    // 11 characters: treated like a mobile
    [InlineData("029-88881234", "02********34")]
    [InlineData("88881234", "88****34")]
    [InlineData("8881234", "88***34")]            // 7: the shortest that keeps 2 + 2
    [InlineData("123456", "******")]
    [InlineData("120", "***")]
    [InlineData("", "")]
    public void A_phone_number_is_masked_by_its_length(string phone, string masked)
    {
        Assert.Equal(masked, ChineseIdNumber.MaskPhone(phone));
    }

    [Fact]
    public void A_result_printed_to_a_log_shows_only_the_masked_number()
    {
        var text = Parse("610402198001011233").ToString();
        Assert.Contains("610402********1233", text, StringComparison.Ordinal);
        Assert.DoesNotContain("19800101", text, StringComparison.Ordinal);
    }
}
