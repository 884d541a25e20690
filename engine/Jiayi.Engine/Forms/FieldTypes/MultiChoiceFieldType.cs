using System.Collections.Immutable;
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

    internal override Value Bind(JsonElement json, FieldModel field, string path, ErrorCollector errors)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            errors.Add(path, ErrorCodes.Type, FormMessages.Type(field));
            return Value.Null;
        }

        var length = json.GetArrayLength();
        if (length == 0)
        {
            if (field.StructurallyRequired)
            {
                errors.Add(path, ErrorCodes.Required, FormMessages.Required(field));
            }

            return Value.Null;
        }

        var codes = ImmutableArray.CreateBuilder<Value>(length);
        var valid = true;
        var index = 0;
        foreach (var item in json.EnumerateArray())
        {
            var code = ChoiceFieldType.ReadCode(item, field);
            if (code.IsNull || !field.OptionsByCode.ContainsKey(code))
            {
                errors.Add($"{path}/{index}", ErrorCodes.Enum, FormMessages.Enum(field));
                valid = false;
            }
            else if (codes.Contains(code))
            {
                errors.Add(path, ErrorCodes.UniqueItems, FormMessages.Unique(field));
                valid = false;
            }
            else
            {
                codes.Add(code);
            }

            index++;
        }

        if (length > 1)
        {
            foreach (var code in codes)
            {
                var option = field.OptionsByCode[code];
                if (option.Exclusive)
                {
                    errors.Add(path, ErrorCodes.Exclusive, FormMessages.Exclusive(field, option));
                    valid = false;
                }
            }
        }

        return valid ? Value.List(codes.ToImmutable()) : Value.Null;
    }

    internal override bool AcceptsCalculatedInput(JsonElement json) => json.ValueKind == JsonValueKind.Array;

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
