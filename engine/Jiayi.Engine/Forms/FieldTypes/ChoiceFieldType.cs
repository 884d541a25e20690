using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms.FieldTypes;

/// <summary>One option out of a list, stored as its national code (a JSON integer or string).</summary>
internal sealed class ChoiceFieldType : FieldType
{
    public override string Key => "choice";

    public override string DisplayName => "单选";

    public override string ValueDescription => "选项代码";

    public override ExprType ExprTypeOf(FieldModel field) => field.CodeType;

    internal override FieldKind Kind => FieldKind.Choice;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static Value Read(ref JsonScanner json, FieldModel field, string path, ErrorCollector errors)
    {
        var code = ReadOption(ref json, field);
        if (code.IsNull)
        {
            errors.Add(path, ErrorCodes.Enum, field.Messages.Enum);
        }

        return code;
    }

    /// <summary>Reads a JSON value as one of the field's option codes; null when it is not one (the value is skipped).</summary>
    internal static Value ReadOption(ref JsonScanner json, FieldModel field)
    {
        switch (json.Kind())
        {
            case JsonValueKind.Number when field.CodeType == ExprType.Number:
                if (field.SmallCodes is { } codes && json.TryReadDigit(out var digit))
                {
                    return digit < codes.Length ? codes[digit] : Value.Null;
                }

                var number = json.ReadNumber();
                if (field.SmallCodes is { } table && JsonScanner.TryInt32(number, out var small))
                {
                    return (uint)small < (uint)table.Length ? table[small] : Value.Null;
                }

                return JsonScanner.TryDecimal(number, out var value) && field.OptionsByCode.TryGetValue(Value.Number(value), out var option) ? option.Code : Value.Null;
            case JsonValueKind.String when field.CodeType == ExprType.Text:
                var raw = json.ReadString(out var escaped);
                return field.OptionsByCode.TryGetValue(Value.Text(JsonScanner.Decode(raw, escaped)), out var text) ? text.Code : Value.Null;
            default:
                json.Skip();
                return Value.Null;
        }
    }

    internal override JsonObject Schema(FieldModel field) => new() { ["enum"] = Codes(field) };

    internal override JsonObject CalculatedSchema(FieldModel field) => Schema(field);

    internal static JsonArray Codes(FieldModel field) =>
        [.. field.Options.Select(o => o.Code.Kind == ValueKind.Number ? JsonValue.Create(o.Code.AsNumber) : (JsonNode)JsonValue.Create(o.Code.AsText))];

    internal override void Write(Utf8JsonWriter writer, Value value, FieldModel field) => JsonValues.Write(writer, value);
}
