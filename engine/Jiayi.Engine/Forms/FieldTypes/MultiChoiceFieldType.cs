using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms.FieldTypes;

/// <summary>
/// Several options ticked (the paper form's "□/□/□"), stored as an array of codes without repeats.
/// An exclusive option (e.g. 1 无症状) cannot be ticked together with any other.
/// </summary>
internal sealed class MultiChoiceFieldType : FieldType
{
    public override string Key => "multi-choice";

    public override string DisplayName => "多选";

    public override string ValueDescription => "选项代码的数组";

    public override ExprType ExprTypeOf(FieldModel field) => field.CodeType == ExprType.Number ? ExprType.NumberList : ExprType.TextList;

    internal override FieldKind Kind => FieldKind.MultiChoice;

    internal static Value Read<TMode>(ref JsonScanner json, FieldModel field, string path, ErrorCollector errors)
        where TMode : struct, IBindMode
    {
        if (json.Kind() != JsonValueKind.Array)
        {
            return WrongType(ref json, field, path, errors);
        }

        json.BeginArray();
        // Allocated only from the second tick on; codes are unique, so at most one per option.
        Value[]? buffer = null;
        var first = Value.Null;
        var count = 0;
        var index = 0;
        var valid = true;
        while (json.NextElement())
        {
            var code = ChoiceFieldType.ReadOption(ref json, field);
            if (code.IsNull)
            {
                errors.Add($"{path}/{index}", ErrorCodes.Enum, field.Messages.Enum);
                valid = false;
            }
            else if (count > 0 && (first.Equals(code) || (buffer is not null && Array.IndexOf(buffer, code, 1, count - 1) >= 0)))
            {
                errors.Add(path, ErrorCodes.UniqueItems, field.Messages.Unique);
                valid = false;
            }
            else if (count == 0)
            {
                first = code;
                count = 1;
            }
            else
            {
                buffer ??= new Value[field.Options.Length];
                buffer[0] = first;
                buffer[count++] = code;
            }

            index++;
        }

        if (index == 0)
        {
            if (field.StructurallyRequired)
            {
                errors.Add(path, ErrorCodes.Required, field.Messages.Required);
            }

            return Value.Null;
        }

        if (index > 1)
        {
            foreach (var code in buffer is null ? [first] : buffer.AsSpan(0, count))
            {
                var option = field.OptionsByCode[code];
                if (option.Exclusive)
                {
                    errors.Add(path, ErrorCodes.Exclusive, FormMessages.Exclusive(field, option));
                    valid = false;
                }
            }
        }

        if (!valid)
        {
            return Value.Null;
        }

        if (!TMode.Materialize)
        {
            return Value.True;
        }

        // One tick (e.g. 无症状) is the common case: a list built once per option at compile time.
        return count == 1 ? field.OptionsByCode[first].AsList : Value.List(ImmutableCollectionsMarshal.AsImmutableArray(buffer.AsSpan(0, count).ToArray()));
    }

    internal override JsonObject Schema(FieldModel field)
    {
        var schema = new JsonObject
        {
            ["type"] = "array",
            ["items"] = new JsonObject { ["enum"] = ChoiceFieldType.Codes(field) },
            ["uniqueItems"] = true,
        };
        if (field.StructurallyRequired)
        {
            schema["minItems"] = 1;
        }

        var exclusive = field.Options.Where(o => o.Exclusive).ToList();
        if (exclusive.Count > 0)
        {
            schema["allOf"] = new JsonArray([.. exclusive.Select(o => (JsonNode)new JsonObject
            {
                ["if"] = new JsonObject { ["contains"] = new JsonObject { ["const"] = ChoiceFieldType.Codes(field)[field.Options.IndexOf(o)]!.DeepClone() } },
                ["then"] = new JsonObject { ["maxItems"] = 1 },
            })]);
        }

        return schema;
    }

    internal override JsonObject CalculatedSchema(FieldModel field) => new() { ["type"] = "array" };

    internal override void Write(Utf8JsonWriter writer, Value value, FieldModel field) => JsonValues.Write(writer, value);
}
