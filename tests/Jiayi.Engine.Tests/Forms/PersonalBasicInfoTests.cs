using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

/// <summary>
/// 居民个人基本信息表: the 17-digit record number and 18-character ID number lengths, dates within the
/// resident's life, the 无/有 lists of 既往史 with their rows, the 其他 details and the exclusive 无
/// options, worked by hand from standard-forms.md §1.8 and §1.10.
/// </summary>
public class PersonalBasicInfoTests
{
    private const string Id = "personal-basic-info";

    private static Dictionary<string, object?> Person() => new()
    {
        ["record_no"] = "61040200100100023",
        ["fill_date"] = "2026-03-10",
        ["name"] = "杨桂兰",
        ["sex"] = 2,
        ["birth_date"] = "1968-03-15",
        ["residence_type"] = 1,
    };

    private static EvaluationResult Evaluate(Dictionary<string, object?> data) => ShippedForms.Evaluate(Id, data);

    private static ValidationError SingleError(Dictionary<string, object?> data)
    {
        var errors = Evaluate(data).Errors;
        Assert.True(errors.Count == 1, "expected one error, got: " + string.Join("; ", errors));
        return errors[0];
    }

    /// <summary>
    /// The one error inside a table's rows. A row with an invalid cell leaves the table without a value, so
    /// the engine also reports the (required) table itself as unanswered; that error is left out here.
    /// </summary>
    private static ValidationError SingleRowError(Dictionary<string, object?> data, string table)
    {
        var errors = Evaluate(data).Errors.Where(e => e.Path != "/" + table).ToList();
        Assert.True(errors.Count == 1, "expected one row error, got: " + string.Join("; ", errors));
        return errors[0];
    }

    private static Dictionary<string, object?> Disease(int code, int year, int? month = null, string? detail = null)
    {
        var row = new Dictionary<string, object?> { ["disease"] = code, ["diagnosed_year"] = year };
        if (month is not null)
        {
            row["diagnosed_month"] = month;
        }

        if (detail is not null)
        {
            row["disease_detail"] = detail;
        }

        return row;
    }

    [Fact]
    public void The_minimal_record_is_valid_and_stored_as_sent()
    {
        var result = Evaluate(Person());
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(
            """{"record_no":"61040200100100023","fill_date":"2026-03-10","name":"杨桂兰","sex":2,"birth_date":"1968-03-15","residence_type":1}""",
            result.DataJson());
    }

    [Fact]
    public void Missing_required_answers_are_named()
    {
        var result = ShippedForms.Evaluate(Id, "{}");
        Assert.All(result.Errors, e => Assert.Equal(ErrorCodes.Required, e.Code));
        Assert.Equal(
            new[] { "/birth_date", "/fill_date", "/name", "/record_no", "/residence_type", "/sex" },
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains(result.Errors, e => e is { Path: "/record_no", Message: "请填写编号" });
    }

    [Theory]
    [InlineData("6104020010010002")]   // 16 digits
    [InlineData("00100100023")]        // 11: the county code left out
    public void A_record_number_shorter_than_17_is_refused(string number)
    {
        var data = Person();
        data["record_no"] = number;
        var error = SingleError(data);
        Assert.Equal(("/record_no", "rule:record_no_length", "编号应为 17 位数字"), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void A_record_number_longer_than_17_is_refused_by_its_length_limit()
    {
        var data = Person();
        data["record_no"] = "610402001001000231";
        var error = SingleError(data);
        Assert.Equal(("/record_no", ErrorCodes.MaxLength, "编号不能超过 17 个字"), (error.Path, error.Code, error.Message));
    }

    [Theory]
    [InlineData("610402196803150025")]
    [InlineData("61042719561108001X")] // a final X is a valid check character; the checksum is the host's
    public void An_18_character_id_number_passes_the_length_rule(string idNo)
    {
        var data = Person();
        data["id_no"] = idNo;
        Assert.True(Evaluate(data).IsValid);
    }

    [Theory]
    [InlineData("61040219680315002", "rule:id_no_length")]
    [InlineData("610402680315002", "rule:id_no_length")] // the legacy 15-digit number must be converted first
    [InlineData("6104021968031500251", ErrorCodes.MaxLength)]
    public void An_id_number_of_another_length_is_refused(string idNo, string code)
    {
        var data = Person();
        data["id_no"] = idNo;
        var error = SingleError(data);
        Assert.Equal(("/id_no", code), (error.Path, error.Code));
    }

    [Fact]
    public void The_birth_date_lies_between_1900_and_the_fill_date()
    {
        var data = Person();
        data["birth_date"] = "2026-03-11";
        var error = SingleError(data);
        Assert.Equal(("/birth_date", "rule:birth_date_not_after_fill", "出生日期不能晚于填表日期"), (error.Path, error.Code, error.Message));

        data["birth_date"] = "1899-12-31";
        error = SingleError(data);
        Assert.Equal(("/birth_date", "rule:birth_date_after_1900", "出生日期不能早于 1900 年"), (error.Path, error.Code, error.Message));

        data["birth_date"] = "1900-01-01";
        Assert.True(Evaluate(data).IsValid);
        data["birth_date"] = "2026-03-10"; // a newborn recorded on the day of birth
        Assert.True(Evaluate(data).IsValid);
    }

    [Fact]
    public void The_fill_date_cannot_be_in_the_future()
    {
        var data = Person();
        data["fill_date"] = "2026-11-26";
        var error = SingleError(data);
        Assert.Equal(("/fill_date", "rule:fill_date_not_future", "填表日期不能晚于今天"), (error.Path, error.Code, error.Message));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(9)]
    public void Sex_takes_the_gb_t_2261_1_codes(int code)
    {
        var data = Person();
        data["sex"] = code;
        Assert.True(Evaluate(data).IsValid);
    }

    [Fact]
    public void Sex_code_3_is_refused()
    {
        var data = Person();
        data["sex"] = 3;
        Assert.Equal(("/sex", ErrorCodes.Enum), (SingleError(data).Path, SingleError(data).Code));
    }

    [Theory]
    [InlineData("ethnicity", 2, "ethnicity_name", "回族")]
    [InlineData("genetic_disease", 2, "genetic_disease_name", "血友病")]
    public void A_detail_is_asked_only_for_its_answer(string choice, int code, string detail, string text)
    {
        var data = Person();
        data[choice] = 1;
        data[detail] = text;
        var result = Evaluate(data);
        Assert.True(result.IsValid);
        Assert.False(result.IsVisible(result.Form.Field(detail)));
        Assert.DoesNotContain(detail, result.DataJson(), StringComparison.Ordinal);

        data[choice] = code;
        data.Remove(detail);
        var error = SingleError(data);
        Assert.Equal(("/" + detail, ErrorCodes.Required), (error.Path, error.Code));
        data[detail] = text;
        Assert.True(Evaluate(data).IsValid);
    }

    [Theory]
    [InlineData("payment", new[] { 2, 8 }, "payment_other")]
    [InlineData("drug_allergy", new[] { 2, 5 }, "drug_allergy_other")]
    [InlineData("disability", new[] { 8 }, "disability_other")]
    [InlineData("family_history_father", new[] { 2, 12 }, "family_history_father_other")]
    [InlineData("family_history_mother", new[] { 12 }, "family_history_mother_other")]
    [InlineData("family_history_siblings", new[] { 12 }, "family_history_siblings_other")]
    [InlineData("family_history_children", new[] { 11, 12 }, "family_history_children_other")]
    public void Ticking_other_asks_what_it_is(string field, int[] codes, string other)
    {
        var data = Person();
        data[field] = codes;
        var error = SingleError(data);
        Assert.Equal(("/" + other, ErrorCodes.Required), (error.Path, error.Code));

        data[other] = "说明";
        Assert.True(Evaluate(data).IsValid);

        data[field] = new[] { 2 }; // 其他 no longer ticked: the detail is hidden and dropped
        var result = Evaluate(data);
        Assert.True(result.IsValid);
        Assert.DoesNotContain(other, result.DataJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("drug_allergy", "药物过敏史选择“无”时不能再选其他项")]
    [InlineData("exposure", "暴露史选择“无”时不能再选其他项")]
    [InlineData("family_history_father", "家族史：父亲选择“无”时不能再选其他项")]
    [InlineData("family_history_children", "家族史：子女选择“无”时不能再选其他项")]
    public void None_excludes_every_other_option(string field, string message)
    {
        var data = Person();
        data[field] = new[] { 1, 2 };
        var error = SingleError(data);
        Assert.Equal(("/" + field, ErrorCodes.Exclusive, message), (error.Path, error.Code, error.Message));
    }

    [Fact]
    public void No_disability_excludes_every_disability()
    {
        var data = Person();
        data["disability"] = new[] { 1, 5 };
        Assert.Equal(("/disability", ErrorCodes.Exclusive), (SingleError(data).Path, SingleError(data).Code));
    }

    [Theory]
    [InlineData("past_disease_status", "past_diseases", "请至少填写一行既往疾病")]
    [InlineData("surgery_status", "surgeries", "请至少填写一行手术史")]
    [InlineData("trauma_status", "traumas", "请至少填写一行外伤史")]
    [InlineData("transfusion_status", "transfusions", "请至少填写一行输血史")]
    public void Having_a_history_asks_for_at_least_one_row(string status, string table, string message)
    {
        var data = Person();
        data[status] = 2;
        var error = SingleError(data);
        Assert.Equal(("/" + table, ErrorCodes.Required, message), (error.Path, error.Code, error.Message));

        data[table] = Array.Empty<object>();
        Assert.Equal(("/" + table, ErrorCodes.Required), (SingleError(data).Path, SingleError(data).Code));
    }

    [Fact]
    public void Rows_given_with_no_history_are_dropped()
    {
        var data = Person();
        data["past_disease_status"] = 1;
        data["past_diseases"] = new object[] { Disease(2, 2019, 6) };
        var result = Evaluate(data);
        Assert.True(result.IsValid);
        Assert.False(result.IsVisible(result.Form.Field("past_diseases")));
        Assert.DoesNotContain("past_diseases", result.DataJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Past_diseases_keep_the_printed_codes_2_to_13()
    {
        var data = Person();
        data["past_disease_status"] = 2;
        data["past_diseases"] = new object[] { Disease(2, 2019, 6), Disease(9, 1990) };
        Assert.True(Evaluate(data).IsValid);

        data["past_diseases"] = new object[] { Disease(1, 2019) };
        var error = SingleRowError(data, "past_diseases");
        Assert.Equal(("/past_diseases/0/disease", ErrorCodes.Enum), (error.Path, error.Code));
    }

    [Fact]
    public void Another_disease_must_be_named()
    {
        var data = Person();
        data["past_disease_status"] = 2;
        data["past_diseases"] = new object[] { Disease(2, 2019), Disease(13, 2012) };
        var error = SingleError(data);
        Assert.Equal(("/past_diseases/1/disease_detail", ErrorCodes.Required, "既往疾病第 2 行：请填写疾病名称"), (error.Path, error.Code, error.Message));

        data["past_diseases"] = new object[] { Disease(2, 2019), Disease(13, 2012, detail: "慢性胃炎") };
        Assert.True(Evaluate(data).IsValid);
    }

    [Theory]
    [InlineData(2026, 3, true)]     // the fill month itself (fill date 2026-03-10)
    [InlineData(2026, null, true)]  // year only: counted as January
    [InlineData(2026, 4, false)]    // the month after the fill date
    [InlineData(2027, null, false)]
    [InlineData(1968, 1, true)]     // the birth year (1968-03-15); only the year is compared with birth
    [InlineData(1967, 12, false)]   // before the birth year
    public void The_diagnosis_year_and_month_lie_within_the_residents_life(int year, int? month, bool valid)
    {
        var data = Person();
        data["past_disease_status"] = 2;
        data["past_diseases"] = new object[] { Disease(3, year, month) };
        var errors = Evaluate(data).Errors;
        if (valid)
        {
            Assert.Empty(errors);
            return;
        }

        var error = Assert.Single(errors);
        Assert.Equal("/past_diseases/0/diagnosed_year", error.Path);
        Assert.Equal(year > 2000 ? "rule:diagnosed_not_after_fill" : "rule:diagnosed_not_before_birth", error.Code);
        Assert.Equal(year > 2000 ? "既往疾病第 1 行：确诊时间不能晚于填表日期" : "既往疾病第 1 行：确诊年份不能早于出生年份", error.Message);
    }

    [Fact]
    public void The_diagnosis_month_is_1_to_12()
    {
        var data = Person();
        data["past_disease_status"] = 2;
        data["past_diseases"] = new object[] { Disease(3, 2020, 13) };
        var error = SingleRowError(data, "past_diseases");
        Assert.Equal(("/past_diseases/0/diagnosed_month", ErrorCodes.Maximum, "既往疾病第 1 行：确诊月份不能大于 12 月"), (error.Path, error.Code, error.Message));
    }

    [Theory]
    [InlineData("surgery_status", "surgeries", "surgery_name", "surgery_date", "rule:surgery_date_in_life", "手术史第 1 行：手术时间应在出生日期与填表日期之间")]
    [InlineData("trauma_status", "traumas", "trauma_name", "trauma_date", "rule:trauma_date_in_life", "外伤史第 1 行：外伤时间应在出生日期与填表日期之间")]
    [InlineData("transfusion_status", "transfusions", "transfusion_reason", "transfusion_date", "rule:transfusion_date_in_life", "输血史第 1 行：输血时间应在出生日期与填表日期之间")]
    public void Surgery_trauma_and_transfusion_dates_lie_within_the_residents_life(string status, string table, string name, string date, string code, string message)
    {
        var data = Person();
        data[status] = 2;
        foreach (var (when, valid) in new[] { ("1968-03-15", true), ("2026-03-10", true), ("1968-03-14", false), ("2026-03-11", false) })
        {
            data[table] = new object[] { new Dictionary<string, object?> { [name] = "名称", [date] = when } };
            var errors = Evaluate(data).Errors;
            if (valid)
            {
                Assert.Empty(errors);
            }
            else
            {
                var error = Assert.Single(errors);
                Assert.Equal(($"/{table}/0/{date}", code, message), (error.Path, error.Code, error.Message));
            }
        }

        data[table] = new object[] { new Dictionary<string, object?> { [date] = "2000-01-01" } };
        var missing = SingleRowError(data, table);
        Assert.Equal(($"/{table}/0/{name}", ErrorCodes.Required), (missing.Path, missing.Code));
    }

    [Fact]
    public void Living_environment_uses_the_form_codes_not_apidocs_9()
    {
        var data = Person();
        data["kitchen_exhaust"] = 4;
        data["fuel"] = 6;
        data["water"] = 6;
        data["toilet"] = 5;
        data["livestock"] = 4;
        Assert.True(Evaluate(data).IsValid);

        data["fuel"] = 9;
        Assert.Equal(("/fuel", ErrorCodes.Enum), (SingleError(data).Path, SingleError(data).Code));
    }
}
