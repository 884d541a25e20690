using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms;

/// <summary>
/// Reads submitted JSON into a <see cref="FormInput"/> in one pass, checking exactly what the form's
/// JSON Schema checks: types, ranges, codes, lengths, required-and-always-visible fields, unknown fields.
/// This is the engine's own validator; JsonSchema.Net on the published schema is its reference oracle.
/// </summary>
internal static class InputBinder
{
    public static FormInput Bind(CompiledForm form, JsonElement data)
    {
        var fields = form.Fields;
        var values = new Value[fields.Length];
        var errors = new ErrorCollector();
        if (data.ValueKind != JsonValueKind.Object)
        {
            errors.Add("", ErrorCodes.Type, FormMessages.NotAnObject(null));
            return new FormInput(form, values, errors.ToList());
        }

        Span<bool> seen = fields.Length <= 512 ? stackalloc bool[fields.Length] : new bool[fields.Length];
        foreach (var property in data.EnumerateObject())
        {
            var field = Lookup(form, property);
            if (field is null)
            {
                errors.Add("/" + JsonPointers.Escape(property.Name), ErrorCodes.UnknownField, FormMessages.UnknownField(property.Name));
                continue;
            }

            seen[field.Index] = true;
            var json = property.Value;
            if (json.ValueKind == JsonValueKind.Null)
            {
                if (field.StructurallyRequired)
                {
                    errors.Add(field.Path, ErrorCodes.Required, FormMessages.Required(field));
                }

                continue;
            }

            if (field.IsCalculated)
            {
                // The calculation replaces whatever was sent; only the JSON type is checked.
                if (!field.Type.AcceptsCalculatedInput(json))
                {
                    errors.Add(field.Path, ErrorCodes.Type, FormMessages.Type(field));
                }

                continue;
            }

            values[field.Index] = field.Type.Bind(json, field, field.Path, errors);
        }

        foreach (var field in form.StructurallyRequiredFields)
        {
            if (!seen[field.Index])
            {
                errors.Add(field.Path, ErrorCodes.Required, FormMessages.Required(field));
            }
        }

        return new FormInput(form, values, errors.ToList());
    }

    private static FieldModel? Lookup(CompiledForm form, JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.Length > 64 || raw.Contains((byte)'\\'))
        {
            return form.FindField(property.Name);
        }

        // Field keys are ASCII; decode on the stack instead of allocating the name.
        Span<char> name = stackalloc char[64];
        if (!Ascii.ToUtf16(raw, name, out var written).Equals(System.Buffers.OperationStatus.Done))
        {
            return null;
        }

        return form.FindField(name[..written]);
    }
}
