using System.Text;
using System.Text.Json;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms;

/// <summary>
/// What an evaluation found: whether the submission is valid, every error, the effective answers
/// (hidden fields dropped, calculated fields filled), scores, outcomes, suggested field values and
/// which fields are visible and required now. Computed from whatever was answered, so that UIs can
/// show live results while required answers are still missing.
/// </summary>
public sealed class EvaluationResult
{
    private readonly Value[] _values;
    private readonly Value[] _scores;
    private readonly Value[] _outcomes;
    private readonly bool[] _visible;
    private readonly bool[] _required;

    internal EvaluationResult(CompiledForm form, IReadOnlyList<ValidationError> errors, Value[] values, Value[] scores, Value[] outcomes, bool[] visible, bool[] required)
    {
        Form = form;
        Errors = errors;
        _values = values;
        _scores = scores;
        _outcomes = outcomes;
        _visible = visible;
        _required = required;
    }

    public CompiledForm Form { get; }

    public bool IsValid => Errors.Count == 0;

    public IReadOnlyList<ValidationError> Errors { get; }

    public Value Value(FieldModel field) => _values[field.Index];

    public Value Value(string key) => _values[Form.Field(key).Index];

    public bool IsVisible(FieldModel field) => _visible[field.Index];

    public bool IsRequired(FieldModel field) => _required[field.Index];

    public Value Score(string key) => _scores[Form.Scores.First(s => s.Key == key).Index];

    public Value Outcome(string key) => _outcomes[Form.Outcomes.First(o => o.Key == key).Index];

    public IEnumerable<(ScoreModel Score, Value Value)> Scores => Form.Scores.Select(s => (s, _scores[s.Index]));

    public IEnumerable<(OutcomeModel Outcome, Value Value)> Outcomes => Form.Outcomes.Select(o => (o, _outcomes[o.Index]));

    /// <summary>Field values suggested by outcomes (此次随访分类, 下次随访日期), by field.</summary>
    public IEnumerable<(FieldModel Field, Value Value)> Suggestions
    {
        get
        {
            foreach (var outcome in Form.Outcomes)
            {
                var value = _outcomes[outcome.Index];
                if (outcome.SuggestsField is { } target && !value.IsNull)
                {
                    if (outcome.SuggestionByValue.Count == 0)
                    {
                        yield return (target, value);
                    }
                    else if (outcome.SuggestionByValue.TryGetValue(value, out var code))
                    {
                        yield return (target, code);
                    }
                }
            }
        }
    }

    /// <summary>Writes the effective answers as a JSON object (what is stored for a record).</summary>
    public void WriteData(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        foreach (var field in Form.Fields)
        {
            var value = _values[field.Index];
            if (!value.IsNull)
            {
                writer.WritePropertyName(field.Key);
                field.Type.Write(writer, value, field);
            }
        }

        writer.WriteEndObject();
    }

    public void WriteScores(Utf8JsonWriter writer) => WriteObject(writer, Scores.Select(s => (s.Score.Key, s.Value)));

    public void WriteOutcomes(Utf8JsonWriter writer) => WriteObject(writer, Outcomes.Select(o => (o.Outcome.Key, o.Value)));

    public void WriteSuggestions(Utf8JsonWriter writer) => WriteObject(writer, Suggestions.Select(s => (s.Field.Key, s.Value)));

    public string DataJson() => ToJson(WriteData);

    public string ScoresJson() => ToJson(WriteScores);

    public string OutcomesJson() => ToJson(WriteOutcomes);

    private static void WriteObject(Utf8JsonWriter writer, IEnumerable<(string Key, Value Value)> entries)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        foreach (var (key, value) in entries)
        {
            writer.WritePropertyName(key);
            JsonValues.Write(writer, value);
        }

        writer.WriteEndObject();
    }

    private static string ToJson(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
