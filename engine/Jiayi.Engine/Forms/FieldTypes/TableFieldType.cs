using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;

namespace Jiayi.Engine.Forms.FieldTypes;

/// <summary>Repeating rows of columns (e.g. 用药情况: drug, times a day, dose), stored as an array of objects.</summary>
internal sealed class TableFieldType : FieldType
{
    public const int DefaultMaxRows = 50;

    public override string Key => "table";

    public override string DisplayName => "表格（多行）";

    public override string ValueDescription => "由行对象组成的数组";

    public override ExprType ExprTypeOf(FieldModel field) => ExprType.Rows;

    internal override Value Bind(JsonElement json, FieldModel field, string path, ErrorCollector errors)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            errors.Add(path, ErrorCodes.Type, FormMessages.Type(field));
            return Value.Null;
        }

        var length = json.GetArrayLength();
        if (length > field.MaxRows)
        {
            errors.Add(path, ErrorCodes.MaxItems, FormMessages.MaxRows(field, field.MaxRows));
            return Value.Null;
        }

        var minRows = Math.Max(field.MinRows ?? 0, field.StructurallyRequired ? 1 : 0);
        if (length < minRows)
        {
            errors.Add(path, length == 0 ? ErrorCodes.Required : ErrorCodes.MinItems, length == 0 ? FormMessages.Required(field) : FormMessages.MinRows(field, minRows));
        }

        var before = errors.Count;
        var rows = ImmutableArray.CreateBuilder<ImmutableArray<Value>>(length);
        var index = 0;
        foreach (var row in json.EnumerateArray())
        {
            rows.Add(BindRow(row, field, $"{path}/{index}", index, errors));
            index++;
        }

        return errors.Count == before && length >= minRows && length > 0 ? Value.Rows(rows.MoveToImmutable()) : Value.Null;
    }

    private static ImmutableArray<Value> BindRow(JsonElement row, FieldModel table, string rowPath, int rowIndex, ErrorCollector errors)
    {
        var values = new Value[table.Columns.Length];
        if (row.ValueKind != JsonValueKind.Object)
        {
            errors.Add(rowPath, ErrorCodes.Type, FormMessages.InRow(table, rowIndex, FormMessages.NotAnObject("每一行")));
            return [.. values];
        }

        Span<bool> seen = stackalloc bool[table.Columns.Length];
        foreach (var property in row.EnumerateObject())
        {
            var column = table.Columns.FirstOrDefault(c => property.NameEquals(c.Key));
            if (column is null)
            {
                errors.Add($"{rowPath}/{JsonPointers.Escape(property.Name)}", ErrorCodes.UnknownField, FormMessages.InRow(table, rowIndex, FormMessages.UnknownField(property.Name)));
                continue;
            }

            seen[column.Index] = true;
            var columnPath = $"{rowPath}/{column.Key}";
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                if (column.StructurallyRequired)
                {
                    errors.Add(columnPath, ErrorCodes.Required, FormMessages.InRow(table, rowIndex, FormMessages.Required(column)));
                }

                continue;
            }

            var inner = new ErrorCollector();
            values[column.Index] = column.Type.Bind(property.Value, column, columnPath, inner);
            foreach (var error in inner.ToList())
            {
                errors.Add(error.Path, error.Code, FormMessages.InRow(table, rowIndex, error.Message));
            }
        }

        foreach (var column in table.Columns)
        {
            if (column.StructurallyRequired && !seen[column.Index])
            {
                errors.Add($"{rowPath}/{column.Key}", ErrorCodes.Required, FormMessages.InRow(table, rowIndex, FormMessages.Required(column)));
            }
        }

        return [.. values];
    }

    internal override bool AcceptsCalculatedInput(JsonElement json) => false;

    internal override JsonObject Schema(FieldModel field)
    {
        var properties = new JsonObject();
        foreach (var column in field.Columns)
        {
            properties[column.Key] = FormSchemaBuilder.ValueSchema(column);
        }

        var row = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
        var required = field.Columns.Where(c => c.StructurallyRequired).Select(c => (JsonNode)JsonValue.Create(c.Key)).ToArray();
        if (required.Length > 0)
        {
            row["required"] = new JsonArray(required);
        }

        var schema = new JsonObject { ["type"] = "array", ["items"] = row, ["maxItems"] = field.MaxRows };
        var minRows = Math.Max(field.MinRows ?? 0, field.StructurallyRequired ? 1 : 0);
        if (minRows > 0)
        {
            schema["minItems"] = minRows;
        }

        return schema;
    }

    internal override void Write(Utf8JsonWriter writer, Value value, FieldModel field)
    {
        writer.WriteStartArray();
        foreach (var row in value.AsRows)
        {
            writer.WriteStartObject();
            foreach (var column in field.Columns)
            {
                var cell = row[column.Index];
                if (!cell.IsNull)
                {
                    writer.WritePropertyName(column.Key);
                    column.Type.Write(writer, cell, column);
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
