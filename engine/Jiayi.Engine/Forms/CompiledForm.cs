using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jiayi.Engine.Forms;

/// <summary>
/// One version of a form, compiled once: field models, rules, scores, outcomes, the evaluation order
/// and the JSON Schema 2020-12 served to apps. Immutable and safe to share between threads; every
/// evaluation gets its own <see cref="FormScope"/>.
/// </summary>
public sealed class CompiledForm
{
    private readonly FrozenDictionary<string, FieldModel> _fieldsByKey;
    private readonly FrozenDictionary<string, FieldModel>.AlternateLookup<ReadOnlySpan<char>> _fieldsBySpan;

    internal CompiledForm(
        FormDefinition definition,
        int version,
        ImmutableArray<SectionModel> sections,
        ImmutableArray<FieldModel> fields,
        ImmutableArray<ParameterModel> parameters,
        ImmutableArray<ScoreModel> scores,
        ImmutableArray<OutcomeModel> outcomes,
        ImmutableArray<RuleModel> validations,
        EvaluationPlan plan)
    {
        Definition = definition;
        Version = version;
        Sections = sections;
        Fields = fields;
        Parameters = parameters;
        Scores = scores;
        Outcomes = outcomes;
        Validations = validations;
        Plan = plan;
        _fieldsByKey = fields.ToFrozenDictionary(f => f.Key, StringComparer.Ordinal);
        _fieldsBySpan = _fieldsByKey.GetAlternateLookup<ReadOnlySpan<char>>();
        StructurallyRequiredFields = [.. fields.Where(f => f.StructurallyRequired)];
        OccurredOn = definition.OccurredOn is { } key ? _fieldsByKey[key] : null;
        Schema = FormSchemaBuilder.Build(this);
        SchemaJson = Schema.ToJsonString();
    }

    public string Id => Definition.Id;

    public int Version { get; }

    public string Title => Definition.Title;

    public FormDefinition Definition { get; }

    public ImmutableArray<SectionModel> Sections { get; }

    /// <summary>Every top-level field, in document order; <see cref="FieldModel.Index"/> is the position here.</summary>
    public ImmutableArray<FieldModel> Fields { get; }

    public ImmutableArray<ParameterModel> Parameters { get; }

    public ImmutableArray<ScoreModel> Scores { get; }

    /// <summary>The outcomes, followed by the schedule's outcome when the form has a schedule.</summary>
    public ImmutableArray<OutcomeModel> Outcomes { get; }

    public ImmutableArray<RuleModel> Validations { get; }

    /// <summary>The date field that gives a record its date, if the form names one.</summary>
    public FieldModel? OccurredOn { get; }

    /// <summary>The JSON Schema 2020-12 of a submission. Treat as read-only; <see cref="SchemaJson"/> is its text.</summary>
    public JsonObject Schema { get; }

    public string SchemaJson { get; }

    internal EvaluationPlan Plan { get; }

    internal ImmutableArray<FieldModel> StructurallyRequiredFields { get; }

    public FieldModel Field(string key) =>
        _fieldsByKey.TryGetValue(key, out var field) ? field : throw new KeyNotFoundException($"Form {Id} has no field {key}.");

    public FieldModel? FindField(string key) => _fieldsByKey.GetValueOrDefault(key);

    public FieldModel? FindField(ReadOnlySpan<char> key) => _fieldsBySpan.TryGetValue(key, out var field) ? field : null;

    /// <summary>An empty input, for a UI to fill.</summary>
    public FormInput NewInput() => new(this, new Expressions.Value[Fields.Length], []);

    /// <summary>Reads submitted JSON; <see cref="FormInput.StructuralErrors"/> lists what does not fit the schema.</summary>
    public FormInput Bind(JsonElement data) => InputBinder.Bind(this, data);

    /// <summary>Checks JSON against the form's structure only (what the published JSON Schema checks).</summary>
    public IReadOnlyList<ValidationError> ValidateStructure(JsonElement data) => InputBinder.Check(this, data);

    /// <summary>Validates, calculates, scores and classifies a JSON submission.</summary>
    public EvaluationResult Evaluate(JsonElement data, EvaluationContext context) => FormEvaluator.Evaluate(Bind(data), context);

    /// <summary>Validates, calculates, scores and classifies an input (from JSON or from a UI).</summary>
    public EvaluationResult Evaluate(FormInput input, EvaluationContext context)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!ReferenceEquals(input.Form, this))
        {
            throw new ArgumentException("The input belongs to another form version.", nameof(input));
        }

        return FormEvaluator.Evaluate(input, context);
    }

    public override string ToString() => $"{Id} v{Version}";
}
