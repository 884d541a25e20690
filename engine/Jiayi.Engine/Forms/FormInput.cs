using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms;

/// <summary>
/// The answers of one submission, one slot per field of a compiled form. Built from JSON by
/// <see cref="CompiledForm.Bind"/> or filled directly by a UI; evaluated by <see cref="CompiledForm.Evaluate(FormInput, EvaluationContext)"/>.
/// </summary>
public sealed class FormInput
{
    private readonly Value[] _values;

    internal FormInput(CompiledForm form, Value[] values, IReadOnlyList<ValidationError> errors)
    {
        Form = form;
        _values = values;
        StructuralErrors = errors;
    }

    public CompiledForm Form { get; }

    /// <summary>Problems found while reading JSON (types, ranges, codes, unknown fields); empty for UI-filled input.</summary>
    public IReadOnlyList<ValidationError> StructuralErrors { get; }

    public Value this[FieldModel field]
    {
        get => _values[field.Index];
        set => _values[field.Index] = value;
    }

    public Value this[string key]
    {
        get => _values[Form.Field(key).Index];
        set => _values[Form.Field(key).Index] = value;
    }

    internal Value[] CopyValues() => (Value[])_values.Clone();
}
