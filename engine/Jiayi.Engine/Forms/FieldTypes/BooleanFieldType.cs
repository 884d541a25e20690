using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms.FieldTypes;

/// <summary>Yes or no (JSON true / false).</summary>
internal sealed class BooleanFieldType : FieldType
{
    public override string Key => "boolean";

    public override string DisplayName => "是/否";

    public override string ValueDescription => "是或否（true / false）";

    public override ExprType ExprTypeOf(FieldModel field) => ExprType.Boolean;

    internal override FieldKind Kind => FieldKind.Boolean;

    internal static Value Read(ref JsonScanner json, FieldModel field, string path, ErrorCollector errors)
    {
        switch (json.Kind())
        {
            case JsonValueKind.True:
                json.Skip();
                return Value.True;
            case JsonValueKind.False:
                json.Skip();
                return Value.False;
            default:
                return WrongType(ref json, field, path, errors);
        }
    }

    internal override JsonObject Schema(FieldModel field) => new() { ["type"] = "boolean" };

    internal override JsonObject CalculatedSchema(FieldModel field) => Schema(field);

    internal override void Write(Utf8JsonWriter writer, Value value, FieldModel field) => writer.WriteBooleanValue(value.AsBoolean);
}
