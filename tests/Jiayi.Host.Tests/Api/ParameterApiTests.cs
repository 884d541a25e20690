using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Jiayi.Host.Access;
using Jiayi.Host.Tests.Support;

namespace Jiayi.Host.Tests.Api;

/// <summary>System parameters through the API: listing by group, checked changes with history, and changes that reach the form rules.</summary>
public abstract class ParameterApiTests<THost>(THost host) : IClassFixture<THost>
    where THost : HostFixture
{
    private readonly HttpClient _client = host.Client;
    private readonly JiayiFactory _factory = host.Factory;
    private readonly TestWorld _world = host.World;

    private static readonly string Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(DateTime.UtcNow, "Asia/Shanghai")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<JsonNode> ParameterAsync(string key)
    {
        var groups = await (await _client.GetAsync("/api/parameters")).ReadAsync(HttpStatusCode.OK);
        return groups.AsArray().SelectMany(g => g!["parameters"]!.AsArray()).Single(p => p!["key"]!.GetValue<string>() == key)!;
    }

    private Task<HttpResponseMessage> PutAsync(string key, object body) => _client.PutAsync($"/api/parameters/{key}", Http.Json(body));

    [Fact]
    public async Task Parameters_are_listed_by_group_with_their_declaration_and_current_value()
    {
        var groups = (await (await _client.GetAsync("/api/parameters")).ReadAsync(HttpStatusCode.OK)).AsArray();
        var clinical = groups.Single(g => g!["key"]!.GetValue<string>() == "clinical")!;
        Assert.Equal("慢病管理", clinical["title"]!.GetValue<string>());
        var target = clinical["parameters"]!.AsArray().Single(p => p!["key"]!.GetValue<string>() == "bp.sbp_target")!;
        Assert.Equal("收缩压控制目标（一般患者）", target["label"]!.GetValue<string>());
        Assert.Equal("number", target["type"]!.GetValue<string>());
        Assert.Equal("mmHg", target["unit"]!.GetValue<string>());
        Assert.Equal(140, target["default"]!.GetValue<int>());
        Assert.Equal(100, target["min"]!.GetValue<int>());
        Assert.Equal(180, target["max"]!.GetValue<int>());
        Assert.Contains(groups, g => g!["key"]!.GetValue<string>() == "security");
    }

    [Fact]
    public async Task A_bad_value_is_refused_at_value_and_a_good_one_is_kept_with_who_changed_it_and_why()
    {
        var text = await (await PutAsync("followup.recheck_days", new { value = "十天" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("/value", "“控制不满意后的随访间隔”应为数值"), text.Errors().Select(e => (e.Path, e.Message)).Single());
        var range = await (await PutAsync("followup.recheck_days", new { value = 61 })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("/value", "“控制不满意后的随访间隔”应在 1～60天 之间"), range.Errors().Select(e => (e.Path, e.Message)).Single());
        var fraction = await (await PutAsync("followup.recheck_days", new { value = 10.5 })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("/value", Assert.Single(fraction.Errors()).Path);
        var missing = await (await PutAsync("followup.recheck_days", new { reason = "没有值" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("/value", "required"), missing.Errors().Select(e => (e.Path, e.Code)).Single());
        await (await PutAsync("no.such_key", new { value = 1 })).ProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync("/api/parameters/no.such_key/history")).ProblemAsync(HttpStatusCode.NotFound);

        var reader = Guid.NewGuid().ToString("N")[..10];
        await _factory.CreateUserAsync(reader, _world.CentreA, null, [ParameterPermissions.Read]);
        var readOnly = await _factory.ClientForAsync(reader);
        await (await readOnly.GetAsync("/api/parameters")).ReadAsync(HttpStatusCode.OK);
        await (await readOnly.PutAsync("/api/parameters/followup.recheck_days", Http.Json(new { value = 10 }))).ProblemAsync(HttpStatusCode.Forbidden);

        try
        {
            var changed = await (await PutAsync("followup.recheck_days", new { value = 10, reason = "省卫健委通知" })).ReadAsync(HttpStatusCode.OK);
            Assert.Equal(10, changed["value"]!.GetValue<int>());
            Assert.Equal(14, changed["default"]!.GetValue<int>());
            Assert.Equal("tester", changed["updatedBy"]!.GetValue<string>());

            var history = (await (await _client.GetAsync("/api/parameters/followup.recheck_days/history")).ReadAsync(HttpStatusCode.OK)).AsArray();
            var latest = history[0]!;
            Assert.Equal(14, latest["oldValue"]!.GetValue<int>());
            Assert.Equal(10, latest["newValue"]!.GetValue<int>());
            Assert.Equal("tester", latest["changedBy"]!.GetValue<string>());
            Assert.Equal("省卫健委通知", latest["reason"]!.GetValue<string>());
        }
        finally
        {
            await (await PutAsync("followup.recheck_days", new { value = 14, reason = "测试结束恢复" })).ReadAsync(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task A_lower_blood_pressure_target_reclassifies_the_next_evaluation()
    {
        var subject = await _factory.AddResidentAsync(_world.TeamA1, "参数测试", "女", new DateOnly(1975, 3, 1));
        var data = new Dictionary<string, object>
        {
            ["visit_date"] = Today,
            ["visit_method"] = 1,
            ["symptoms"] = new[] { 1 },
            ["sbp"] = 135,
            ["dbp"] = 80,
            ["height"] = 170,
            ["weight"] = 65,
            ["adverse_reaction"] = 1,
            ["visit_class"] = 1,
            ["next_visit_date"] = DateOnly.Parse(Today, CultureInfo.InvariantCulture).AddMonths(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["meds"] = new[] { new Dictionary<string, object> { ["drug_name"] = "氨氯地平", ["times_per_day"] = 1, ["dose_per_time"] = "5mg" } },
        };
        async Task<string> VisitClassAsync()
        {
            var result = await (await _client.PostAsync("/api/forms/hypertension-followup/evaluate", Http.Json(new { data, subjectId = subject.Id }))).ReadAsync(HttpStatusCode.OK);
            return result["outcomes"]!["visit_class"]!.GetValue<string>();
        }

        Assert.Equal("控制满意", await VisitClassAsync());
        try
        {
            await (await PutAsync("bp.sbp_target", new { value = 130, reason = "测试" })).ReadAsync(HttpStatusCode.OK);
            // Other nodes follow within SystemParameters.CacheFor: poll, never sleep a fixed time.
            var until = DateTime.UtcNow.AddSeconds(5);
            var outcome = await VisitClassAsync();
            while (outcome != "控制不满意" && DateTime.UtcNow < until)
            {
                await Task.Delay(100);
                outcome = await VisitClassAsync();
            }

            Assert.Equal("控制不满意", outcome);
            Assert.Equal(130, (await ParameterAsync("bp.sbp_target"))["value"]!.GetValue<int>());
        }
        finally
        {
            await (await PutAsync("bp.sbp_target", new { value = 140, reason = "测试结束恢复" })).ReadAsync(HttpStatusCode.OK);
        }
    }
}

public sealed class SqliteParameterApiTests(SqliteHost host) : ParameterApiTests<SqliteHost>(host);

public sealed class PostgreSqlParameterApiTests(PostgreSqlHost host) : ParameterApiTests<PostgreSqlHost>(host);
