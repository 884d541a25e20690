using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Jiayi.Host.Tests.Support;

namespace Jiayi.Host.Tests.Api;

/// <summary>The REST API, run once on SQLite and once on a real PostgreSQL server.</summary>
public abstract class ApiTests<THost>(THost host) : IClassFixture<THost>
    where THost : HostFixture
{
    private readonly HttpClient _client = host.Client;
    private readonly JiayiFactory _factory = host.Factory;
    private readonly TestWorld _world = host.World;

    private static readonly string Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(DateTime.UtcNow, "Asia/Shanghai")).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static Dictionary<string, object?> Hypertension(int sbp = 150, int dbp = 90) => new()
    {
        ["visit_date"] = Today,
        ["visit_method"] = 1,
        ["symptoms"] = new[] { 1 },
        ["sbp"] = sbp,
        ["dbp"] = dbp,
        ["height"] = 170,
        ["weight"] = 65,
        ["adverse_reaction"] = 1,
        ["visit_class"] = 2,
        ["next_visit_date"] = DateOnly.Parse(Today, System.Globalization.CultureInfo.InvariantCulture).AddDays(14).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["meds"] = new[] { new Dictionary<string, object> { ["drug_name"] = "氨氯地平", ["times_per_day"] = 1, ["dose_per_time"] = "5mg" } },
    };

    // ---- forms ----

    [Fact]
    public async Task A_workflow_steps_form_is_not_saved_as_a_record()
    {
        var problem = await (await _client.PostAsync("/api/records", Http.Json(new { formId = "contract-termination", data = new { terminate_date = "2026-01-01", reason = "02" } }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/formId" && e.Code == "workflow-form");
    }

    [Fact]
    public async Task Lists_every_published_form_with_its_version_and_title()
    {
        var forms = (await (await _client.GetAsync("/api/forms")).ReadAsync(HttpStatusCode.OK)).AsArray();
        var byId = forms.ToDictionary(f => f!["id"]!.GetValue<string>());
        var shipped = Directory.GetFiles(Repo.Path("definitions", "forms"), "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(shipped, byId.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(18, byId.Count);
        Assert.Equal("高血压患者随访服务记录表", byId["hypertension-followup"]!["title"]!.GetValue<string>());
        // Apps render a workflow step's form too, and learn from `purpose` that it is not a service record.
        Assert.Equal("workflow", byId["contract-termination"]!["purpose"]!.GetValue<string>());
        Assert.Equal("record", byId["phq9"]!["purpose"]!.GetValue<string>());
        Assert.All(forms, f => Assert.True(f!["version"]!.GetValue<int>() >= 1));
    }

    [Fact]
    public async Task A_form_comes_with_its_definition_and_compiled_schema()
    {
        var form = await (await _client.GetAsync("/api/forms/hypertension-followup")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("hypertension-followup", form["id"]!.GetValue<string>());
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", form["schema"]!["$schema"]!.GetValue<string>());
        Assert.Equal("integer", form["schema"]!["properties"]!["sbp"]!["type"]![0]!.GetValue<string>());
        Assert.Equal(300, form["schema"]!["properties"]!["sbp"]!["maximum"]!.GetValue<int>());
        Assert.Equal("随访日期", form["definition"]!["sections"]![0]!["fields"]![0]!["label"]!.GetValue<string>());

        var version = form["version"]!.GetValue<int>();
        var pinned = await (await _client.GetAsync($"/api/forms/hypertension-followup/versions/{version}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(version, pinned["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unknown_forms_and_versions_are_404_problems()
    {
        var problem = await (await _client.GetAsync("/api/forms/no-such-form")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("表单不存在", problem["title"]!.GetValue<string>());
        Assert.Contains("no-such-form", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        await (await _client.GetAsync("/api/forms/phq9/versions/999")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync("/api/forms/no-such-form/versions/1")).ProblemAsync(HttpStatusCode.NotFound);
        var bad = await (await _client.GetAsync("/api/forms/phq9/versions/first")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(bad.Errors(), e => e.Path == "/version");
        await (await _client.PostAsync("/api/forms/no-such-form/evaluate", Http.Json("""{"data":{}}"""))).ProblemAsync(HttpStatusCode.NotFound);
    }

    // ---- evaluate ----

    [Fact]
    public async Task Evaluate_computes_bmi_class_and_next_visit_without_saving()
    {
        var before = await _factory.RecordCountAsync();
        var result = await (await _client.PostAsync("/api/forms/hypertension-followup/evaluate", Http.Json(new { data = Hypertension() }))).ReadAsync(HttpStatusCode.OK);
        Assert.True(result["valid"]!.GetValue<bool>(), result.ToJsonString());
        Assert.Empty(result["errors"]!.AsArray());
        Assert.Equal(22.5m, result["data"]!["bmi"]!.GetValue<decimal>());
        Assert.Equal("控制不满意", result["outcomes"]!["visit_class"]!.GetValue<string>());
        Assert.Equal(Hypertension()["next_visit_date"], result["outcomes"]!["next_visit_date"]!.GetValue<string>());
        Assert.Equal(2, result["suggestions"]!["visit_class"]!.GetValue<int>());
        Assert.Equal(before, await _factory.RecordCountAsync());
    }

    [Fact]
    public async Task Evaluate_scores_what_is_present_while_required_answers_are_missing()
    {
        var result = await (await _client.PostAsync("/api/forms/elderly-self-care/evaluate", Http.Json("""{"data":{"eating":3,"grooming":4}}"""))).ReadAsync(HttpStatusCode.OK);
        Assert.False(result["valid"]!.GetValue<bool>());
        Assert.Equal(10, result["scores"]!["total"]!.GetValue<int>());
        Assert.Equal("中度依赖", result["outcomes"]!["level"]!.GetValue<string>());
        Assert.Contains(result["errors"]!.AsArray(), e => e!["path"]!.GetValue<string>() == "/dressing" && e["code"]!.GetValue<string>() == "required");
    }

    [Fact]
    public async Task Evaluate_uses_the_subjects_age_for_age_dependent_rules()
    {
        var elderly = await _factory.AddResidentAsync(_world.TeamA1, "测试老人", "男", new DateOnly(1950, 1, 1));
        var young = await _factory.AddResidentAsync(_world.TeamA1, "测试中年", "女", new DateOnly(1975, 1, 1));
        var data = Hypertension(145, 85);
        var forElderly = await (await _client.PostAsync("/api/forms/hypertension-followup/evaluate", Http.Json(new { data, subjectId = elderly.Id }))).ReadAsync(HttpStatusCode.OK);
        var forYoung = await (await _client.PostAsync("/api/forms/hypertension-followup/evaluate", Http.Json(new { data, subjectId = young.Id }))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("控制满意", forElderly["outcomes"]!["visit_class"]!.GetValue<string>());
        Assert.Equal("控制不满意", forYoung["outcomes"]!["visit_class"]!.GetValue<string>());
    }

    [Fact]
    public async Task Evaluate_reports_every_problem_by_field_in_chinese()
    {
        var data = Hypertension(400, 80);
        data["visit_method"] = "门诊";
        data["pulse"] = 70;
        var result = await (await _client.PostAsync("/api/forms/hypertension-followup/evaluate", Http.Json(new { data }))).ReadAsync(HttpStatusCode.OK);
        var errors = result["errors"]!.AsArray().ToDictionary(e => e!["path"]!.GetValue<string>(), e => e!["message"]!.GetValue<string>());
        Assert.Equal("收缩压不能大于 300 mmHg", errors["/sbp"]);
        Assert.StartsWith("随访方式的取值无效", errors["/visit_method"], StringComparison.Ordinal);
        Assert.Equal("未知字段“pulse”：此表单没有这个字段", errors["/pulse"]);
    }

    // ---- records ----

    [Fact]
    public async Task A_valid_record_is_saved_and_read_back_with_its_version()
    {
        var subject = await _factory.AddResidentAsync(_world.TeamA1, "王测试", "男", new DateOnly(1958, 5, 6));
        var response = await _client.PostAsync("/api/records", Http.Json(new { formId = "hypertension-followup", subjectId = subject.Id, data = Hypertension() }));
        var created = await response.ReadAsync(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        Assert.Equal($"/api/records/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("hypertension-followup", created["formId"]!.GetValue<string>());
        Assert.True(created["formVersion"]!.GetValue<int>() >= 1);
        Assert.Equal(Today, created["occurredOn"]!.GetValue<string>());

        var read = await (await _client.GetAsync($"/api/records/{id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(created["formVersion"]!.GetValue<int>(), read["formVersion"]!.GetValue<int>());
        Assert.Equal(150, read["data"]!["sbp"]!.GetValue<int>());
        Assert.Equal(22.5m, read["data"]!["bmi"]!.GetValue<decimal>());
        Assert.Equal("氨氯地平", read["data"]!["meds"]![0]!["drug_name"]!.GetValue<string>());
        Assert.Equal("控制不满意", read["outcomes"]!["visit_class"]!.GetValue<string>());
        Assert.Equal("王测试", read["subjectName"]!.GetValue<string>());
        Assert.Equal(subject.Id.ToString(), read["subjectId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Records_are_listed_by_form_and_subject_newest_first_and_paged()
    {
        var subject = await _factory.AddResidentAsync(_world.TeamA1, "列表测试", "女", new DateOnly(1940, 2, 3));
        for (var i = 0; i < 3; i++)
        {
            var data = new Dictionary<string, object> { ["test_date"] = $"2026-0{i + 1}-15" };
            for (var q = 1; q <= 9; q++)
            {
                data[$"q{q}"] = i;
            }

            await (await _client.PostAsync("/api/records", Http.Json(new { formId = "phq9", subjectId = subject.Id, data }))).ReadAsync(HttpStatusCode.Created);
        }

        var page1 = await (await _client.GetAsync($"/api/records?formId=phq9&subjectId={subject.Id}&page=1&pageSize=2")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(3, page1["total"]!.GetValue<int>());
        Assert.Equal(["2026-03-15", "2026-02-15"], page1["items"]!.AsArray().Select(r => r!["occurredOn"]!.GetValue<string>()));
        Assert.Equal("轻度", page1["items"]![1]!["outcomes"]!["severity"]!.GetValue<string>());
        var page2 = await (await _client.GetAsync($"/api/records?formId=phq9&subjectId={subject.Id}&page=2&pageSize=2")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(["2026-01-15"], page2["items"]!.AsArray().Select(r => r!["occurredOn"]!.GetValue<string>()));
        var window = await (await _client.GetAsync($"/api/records?subjectId={subject.Id}&from=2026-02-01&to=2026-02-28")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, window["total"]!.GetValue<int>());
        var none = await (await _client.GetAsync($"/api/records?formId=phq9&subjectId={subject.Id}&page=9")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(none["items"]!.AsArray());
    }

    [Fact]
    public async Task An_invalid_record_is_a_400_problem_with_the_same_errors_and_nothing_is_saved()
    {
        var before = await _factory.RecordCountAsync();
        var data = Hypertension(400, 80);
        var problem = await (await _client.PostAsync("/api/records", Http.Json(new { formId = "hypertension-followup", data }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("提交的数据有误", problem["title"]!.GetValue<string>());
        Assert.Equal("validation", problem["code"]!.GetValue<string>());
        Assert.Contains(("/sbp", "maximum", "收缩压不能大于 300 mmHg"), problem.Errors());
        Assert.Equal(before, await _factory.RecordCountAsync());
    }

    [Fact]
    public async Task Retrying_with_the_same_client_id_saves_once()
    {
        var id = Guid.NewGuid();
        var body = new { id, formId = "hypertension-followup", data = Hypertension() };
        await (await _client.PostAsync("/api/records", Http.Json(body))).ReadAsync(HttpStatusCode.Created);
        var again = await (await _client.PostAsync("/api/records", Http.Json(body))).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(id.ToString(), again["id"]!.GetValue<string>());
        Assert.Equal(1, await _factory.WithDatabaseAsync(db => Task.FromResult(db.Records.Count(r => r.Id == id))));

        var other = await (await _client.PostAsync("/api/records", Http.Json(new { id, formId = "phq9", data = new { } }))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("record-id-conflict", other["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_records_are_404_problems()
    {
        await (await _client.GetAsync($"/api/records/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync("/api/records/not-a-guid")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync("/api/no-such-endpoint")).ProblemAsync(HttpStatusCode.NotFound);
    }

    // ---- bad input ----

    [Theory]
    [MemberData(nameof(BadInput.Bodies), MemberType = typeof(BadInput))]
    public async Task Bad_input_is_a_400_problem_naming_the_field_and_nothing_is_saved(string body, string path, string message)
    {
        var before = await _factory.RecordCountAsync();
        var response = await _client.PostAsync("/api/records", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var text = problem.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains(message, text, StringComparison.Ordinal);
        if (path.Length > 0)
        {
            Assert.Contains(problem.Errors(), e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));
        }

        Assert.Equal(before, await _factory.RecordCountAsync());
    }

    [Fact]
    public async Task A_body_over_one_megabyte_is_refused_with_413()
    {
        var big = "{\"formId\": \"phq9\", \"data\": {\"x\": \"" + new string('a', 1024 * 1024) + "\"}}";
        var problem = await (await _client.PostAsync("/api/records", Http.Json(big))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("请求体过大", problem["title"]!.GetValue<string>());
        await (await _client.PostAsync("/api/forms/phq9/evaluate", Http.Json(big))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Deeply_nested_json_is_refused_not_crashed_on()
    {
        var deep = "{\"formId\": \"phq9\", \"data\": {\"q1\": " + new string('[', 200) + new string(']', 200) + "}}";
        await (await _client.PostAsync("/api/records", Http.Json(deep))).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_json_body_without_a_json_content_type_is_still_read_and_checked()
    {
        var response = await _client.PostAsync("/api/forms/phq9/evaluate", new StringContent("""{"data":{"q1":3}}""", Encoding.UTF8, "text/plain"));
        var result = await response.ReadAsync(HttpStatusCode.OK);
        Assert.Equal(3, result["scores"]!["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("page=0", "/page")]
    [InlineData("page=abc", "/page")]
    [InlineData("pageSize=1000", "/pageSize")]
    [InlineData("subjectId=123", "/subjectId")]
    [InlineData("from=2026-02-30", "/from")]
    [InlineData("sort=name", "/sort")]
    public async Task Bad_list_parameters_are_named(string query, string path)
    {
        var problem = await (await _client.GetAsync("/api/records?" + query)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == path);
    }

    [Fact]
    public async Task Hostile_strings_are_stored_and_returned_verbatim()
    {
        var hostile = "'); DROP TABLE form_records; -- <img src=x onerror=alert(1)> \u202e\u0001 😀 {{x}} ${x}";
        var data = Hypertension();
        data["symptoms_other"] = hostile;
        var created = await (await _client.PostAsync("/api/records", Http.Json(new { formId = "hypertension-followup", data }))).ReadAsync(HttpStatusCode.Created);
        var read = await (await _client.GetAsync($"/api/records/{created["id"]}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(hostile, read["data"]!["symptoms_other"]!.GetValue<string>());

        // U+0000 cannot be stored by PostgreSQL: refused at the field, on every database alike.
        data["symptoms_other"] = "a\u0000b";
        var problem = await (await _client.PostAsync("/api/records", Http.Json(new { formId = "hypertension-followup", data }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.Errors(), e => e.Path == "/symptoms_other" && e.Code == "pattern");
    }

    [Fact]
    public async Task The_openapi_document_and_its_browser_are_served()
    {
        var document = await (await _client.GetAsync("/openapi/v1.json")).ReadAsync(HttpStatusCode.OK);
        Assert.NotNull(document["paths"]!["/api/records"]);
        Assert.NotNull(document["paths"]!["/api/forms/{id}/evaluate"]!["post"]!["requestBody"]);
        var page = await _client.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}

/// <summary>Request bodies that must be refused, with the field and the words of the refusal.</summary>
public static class BadInput
{
    public static TheoryData<string, string, string> Bodies => new()
    {
        { "{\"formId\": \"phq9\", \"data\": {", "", "请求体不是有效的 JSON" },
        { "", "", "请求体为空" },
        { "[1, 2]", "", "请求体应为 JSON 对象" },
        { "{\"formId\": \"phq9\", \"formId\": \"phq9\", \"data\": {}}", "", "重复的属性名" },
        { "{\"data\": {}}", "/formId", "缺少表单代码 formId" },
        { "{\"formId\": 7, \"data\": {}}", "/formId", "表单代码 formId应为文本" },
        { "{\"formId\": \"phq9\"}", "/data", "缺少 data" },
        { "{\"formId\": \"phq9\", \"data\": [1]}", "/data", "data 应为 JSON 对象" },
        { "{\"formId\": \"phq9\", \"data\": {}, \"colour\": 1}", "/colour", "未知字段“colour”" },
        { "{\"formId\": \"phq9\", \"subjectId\": \"abc\", \"data\": {}}", "/subjectId", "应为有效的编号" },
        { "{\"formId\": \"phq9\", \"subjectId\": \"6f9619ff-8b86-d011-b42d-00c04fc964ff\", \"data\": {}}", "/subjectId", "不存在" },
        { "{\"formId\": \"phq9\", \"formVersion\": \"1\", \"data\": {}}", "/formVersion", "应为整数" },
        { "{\"formId\": \"phq9\", \"data\": {\"q1\": \"0\"}}", "/q1", "取值无效" },
        { "{\"formId\": \"phq9\", \"data\": {\"q1\": 1.5}}", "/q1", "取值无效" },
        { "{\"formId\": \"phq9\", \"data\": {\"test_date\": \"2026-13-01\"}}", "/test_date", "应为有效日期" },
        { "{\"formId\": \"phq9\", \"data\": {\"test_date\": 20260101}}", "/test_date", "应为日期" },
        { "{\"formId\": \"hypertension-followup\", \"data\": {\"sbp\": 1e400}}", "/sbp", "不能大于 300 mmHg" },
        { "{\"formId\": \"hypertension-followup\", \"data\": {\"sbp\": -5}}", "/sbp", "不能小于 50 mmHg" },
        { "{\"formId\": \"hypertension-followup\", \"data\": {\"symptoms\": [2, 2]}}", "/symptoms", "重复" },
        { "{\"formId\": \"hypertension-followup\", \"data\": {\"meds\": [{\"drug_name\": \"x\", \"colour\": 1}]}}", "/meds/0/colour", "未知字段" },
        { "{\"formId\": \"hypertension-followup\", \"data\": {\"symptoms_other\": \"<script>alert(1)</script>" + new string('长', 300) + "\"}}", "/symptoms_other", "不能超过 200 个字" },
    };
}

public sealed class SqliteApiTests(SqliteHost host) : ApiTests<SqliteHost>(host);

public sealed class PostgreSqlApiTests(PostgreSqlHost host) : ApiTests<PostgreSqlHost>(host);
