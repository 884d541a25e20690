using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms.FieldTypes;

namespace Jiayi.Engine.Forms;

/// <summary>
/// Reads submitted JSON into a <see cref="FormInput"/> in one forward pass over its UTF-8 text, checking
/// exactly what the form's JSON Schema checks: types, ranges, codes, lengths, required-and-always-visible
/// fields, unknown fields. This is the engine's own validator; JsonSchema.Net on the published schema is
/// its reference oracle (SchemaOracleTests).
/// </summary>
internal static class InputBinder
{
    /// <summary>Reads the answers into values, collecting every structural error.</summary>
    public static FormInput Bind(CompiledForm form, JsonElement data)
    {
        var values = new Value[form.Fields.Length];
        var errors = Read<MaterializeValues>(form, data, values);
        return new FormInput(form, values, errors);
    }

    /// <summary>Only checks the answers: no strings decoded, no values, lists or rows built.</summary>
    public static IReadOnlyList<ValidationError> Check(CompiledForm form, JsonElement data) => Read<CheckOnly>(form, data, null);

    private static IReadOnlyList<ValidationError> Read<TMode>(CompiledForm form, JsonElement data, Value[]? values)
        where TMode : struct, IBindMode
    {
        var errors = new ErrorCollector();
        if (data.ValueKind != JsonValueKind.Object)
        {
            errors.Add("", ErrorCodes.Type, FormMessages.NotAnObject(null));
            return errors.ToList();
        }

        // The element's UTF-8 text, already validated by its document: scanned once, without the cost
        // of element-by-element access or of validating the text again.
        var json = new JsonScanner(JsonMarshal.GetRawUtf8Value(data));
        var fields = form.Fields;
        Span<bool> seen = fields.Length <= 512 ? stackalloc bool[fields.Length] : new bool[fields.Length];
        var next = 0;
        var requiredSeen = 0;
        json.BeginObject();
        while (json.NextPropertyStart())
        {
            var field = Expected(ref json, fields, next);
            if (field is null)
            {
                var name = json.ReadPropertyName(out var escaped);
                field = Lookup(form, name, escaped, next);
                if (field is null)
                {
                    var text = JsonScanner.Decode(name, escaped);
                    json.Skip();
                    errors.Add("/" + JsonPointers.Escape(text), ErrorCodes.UnknownField, FormMessages.UnknownField(text));
                    continue;
                }
            }

            if (!seen[field.Index] && field.StructurallyRequired)
            {
                requiredSeen++;
            }

            seen[field.Index] = true;
            next = field.Index + 1;
            if (json.Kind() == JsonValueKind.Null)
            {
                json.Skip();
                if (field.StructurallyRequired)
                {
                    errors.Add(field.Path, ErrorCodes.Required, field.Messages.Required);
                }

                continue;
            }

            if (field.IsCalculated)
            {
                // The calculation replaces whatever was sent; only the JSON type is checked.
                if (!AcceptsCalculated(ref json, field))
                {
                    errors.Add(field.Path, ErrorCodes.Type, field.Messages.Type);
                }

                continue;
            }

            var value = ReadValue<TMode>(ref json, field, field.Path, errors);
            if (values is not null)
            {
                values[field.Index] = value;
            }
        }

        if (requiredSeen < form.StructurallyRequiredFields.Length)
        {
            foreach (var field in form.StructurallyRequiredFields)
            {
                if (!seen[field.Index])
                {
                    errors.Add(field.Path, ErrorCodes.Required, field.Messages.Required);
                }
            }
        }

        return errors.ToList();
    }

    /// <summary>Reads one non-null value by its field's type; the scanner is left after the value.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static Value ReadValue<TMode>(ref JsonScanner json, FieldModel field, string path, ErrorCollector errors)
        where TMode : struct, IBindMode => field.Kind switch
    {
        FieldKind.Choice => ChoiceFieldType.Read(ref json, field, path, errors),
        FieldKind.Number => NumberFieldType.Read(ref json, field, path, errors),
        FieldKind.Text => TextFieldType.Read<TMode>(ref json, field, path, errors),
        FieldKind.Date => DateFieldType.Read(ref json, field, path, errors),
        FieldKind.Boolean => BooleanFieldType.Read(ref json, field, path, errors),
        FieldKind.MultiChoice => MultiChoiceFieldType.Read<TMode>(ref json, field, path, errors),
        FieldKind.Table => TableFieldType.Read<TMode>(ref json, field, path, errors),
        _ => throw new InvalidOperationException($"No reader for {field.Kind}."),
    };

    /// <summary>Whether a calculated field's incoming value has its type's JSON form (the value itself is replaced).</summary>
    private static bool AcceptsCalculated(ref JsonScanner json, FieldModel field)
    {
        var kind = json.Kind();
        if (field.Kind == FieldKind.Date && kind == JsonValueKind.String)
        {
            return DateFieldType.TryRead(ref json, out _);
        }

        json.Skip();
        return field.Kind switch
        {
            FieldKind.Text => kind == JsonValueKind.String,
            FieldKind.Number => kind == JsonValueKind.Number,
            FieldKind.Boolean => kind is JsonValueKind.True or JsonValueKind.False,
            FieldKind.Choice => kind is JsonValueKind.Number or JsonValueKind.String,
            FieldKind.MultiChoice => kind == JsonValueKind.Array,
            _ => false,
        };
    }

    /// <summary>
    /// Clients send fields in form order, leaving out empty ones: the next few fields' names are compared
    /// with the text in place, which spares reading the name in the common case.
    /// </summary>
    private static FieldModel? Expected(ref JsonScanner json, ImmutableArray<FieldModel> fields, int next)
    {
        var end = Math.Min(next + 4, fields.Length);
        for (var i = next; i < end; i++)
        {
            if (json.TryConsumeName(fields[i].QuotedKey))
            {
                return fields[i];
            }
        }

        return null;
    }

    /// <summary>
    /// Finds the field a property names. Clients mostly send fields in form order, so the fields after the
    /// previous one are tried first; otherwise a dictionary lookup. Escaped names are compared decoded.
    /// </summary>
    private static FieldModel? Lookup(CompiledForm form, ReadOnlySpan<byte> raw, bool escaped, int next)
    {
        if (escaped || raw.Length > 64)
        {
            return form.FindField(JsonScanner.Decode(raw, escaped));
        }

        // Empty optional fields are left out, so look a few fields ahead before hashing.
        var fields = form.Fields;
        var end = Math.Min(next + 8, fields.Length);
        for (var i = next; i < end; i++)
        {
            if (raw.SequenceEqual(fields[i].Utf8Key))
            {
                return fields[i];
            }
        }

        // Field keys are ASCII; decode on the stack instead of allocating the name.
        Span<char> name = stackalloc char[64];
        return Ascii.ToUtf16(raw, name, out var written) == System.Buffers.OperationStatus.Done ? form.FindField(name[..written]) : null;
    }
}
