using System.Text.Json;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Tests.Support;

namespace Jiayi.Engine.Tests.Forms;

public class ConcurrencyTests
{
    [Theory]
    [InlineData("hypertension-followup")]
    public void One_compiled_form_evaluates_many_submissions_at_once_exactly_as_one_at_a_time(string id)
    {
        var form = ShippedForms.Load(id);
        var generator = new SubmissionGenerator(form, seed: 42);
        var submissions = Enumerable.Range(0, 2000).Select(_ => generator.Next().ToJsonString()).ToArray();
        var contexts = Enumerable.Range(0, 4).Select(i => ShippedForms.Context with { Subject = new SubjectInfo(new DateOnly(1940 + (i * 10), 1, 1), i % 2 == 0 ? "男" : "女") }).ToArray();

        string Evaluate(int i)
        {
            using var document = JsonDocument.Parse(submissions[i]);
            var result = form.Evaluate(document.RootElement, contexts[i % contexts.Length]);
            return $"{result.IsValid}|{string.Join(";", result.Errors)}|{result.DataJson()}|{result.ScoresJson()}|{result.OutcomesJson()}";
        }

        var sequential = Enumerable.Range(0, submissions.Length).Select(Evaluate).ToArray();
        var parallel = new string[submissions.Length];
        Parallel.For(0, submissions.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, n =>
        {
            var i = n % submissions.Length;
            var outcome = Evaluate(i);
            parallel[i] = outcome;
            Assert.Equal(sequential[i], outcome);
        });
        Assert.Equal(sequential, parallel);
        Assert.Contains(sequential, s => s.Contains("控制不满意", StringComparison.Ordinal));
    }
}
