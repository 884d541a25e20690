using System.Collections.Immutable;
using System.Runtime.InteropServices;
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

    internal override FieldKind Kind => FieldKind.Table;

    internal static Value Read<TMode>(ref JsonScanner json, FieldModel field, string path, ErrorCollector errors)
        where TMode : struct, IBindMode
    {
        if (json.Kind() != JsonValueKind.Array)
        {
            return WrongType(ref json, field, path, errors);
        }

        var before = errors.Count;
        var rows = TMode.Materialize ? new List<ImmutableArray<Value>>() : null;
        var count = 0;
        json.BeginArray();
        while (json.NextElement())
        {
            var row = ReadRow<TMode>(ref json, field, count++, errors);
            rows?.Add(row);
        }

        if (count > field.MaxRows)
        {
            errors.Add(path, ErrorCodes.MaxItems, FormMessages.MaxRows(field, field.MaxRows));
            return Value.Null;
        }

        var minRows = Math.Max(field.MinRows ?? 0, field.StructurallyRequired ? 1 : 0);
        if (count < minRows)
        {
            errors.Add(path, count == 0 ? ErrorCodes.Required : ErrorCodes.MinItems, count == 0 ? field.Messages.Required : FormMessages.MinRows(field, minRows));
            return Value.Null;
        }

        if (errors.Count != before || count == 0)
        {
            return Value.Null;
        }

        return rows is null ? Value.True : Value.Rows([.. rows]);
    }

    /// <summary>Reads one row; errors are reported with row-relative paths (see <see cref="ErrorCollector.EnterRow"/>).</summary>
    private static ImmutableArray<Value> ReadRow<TMode>(ref JsonScanner json, FieldModel table, int rowIndex, ErrorCollector errors)
        where TMode : struct, IBindMode
    {
        var values = TMode.Materialize ? new Value[table.Columns.Length] : null;
        errors.EnterRow(table, rowIndex);
        try
        {
            if (json.Kind() != JsonValueKind.Object)
            {
                json.Skip();
                errors.Add("", ErrorCodes.Type, FormMessages.NotAnObject("每一行"));
                return default;
            }

            Span<bool> seen = stackalloc bool[table.Columns.Length];
            json.BeginObject();
            while (json.NextProperty(out var rawName, out var escaped))
            {
                var column = Column(rawName, escaped, table);
                if (column is null)
                {
                    var name = JsonScanner.Decode(rawName, escaped);
                    json.Skip();
                    errors.Add("/" + JsonPointers.Escape(name), ErrorCodes.UnknownField, FormMessages.UnknownField(name));
                    continue;
                }

                seen[column.Index] = true;
                if (json.Kind() == JsonValueKind.Null)
                {
                    json.Skip();
                    if (column.StructurallyRequired)
                    {
                        errors.Add(column.Path, ErrorCodes.Required, column.Messages.Required);
                    }

                    continue;
                }

                var value = InputBinder.ReadValue<TMode>(ref json, column, column.Path, errors);
                if (values is not null)
                {
                    values[column.Index] = value;
                }
            }

            foreach (var column in table.Columns)
            {
                if (column.StructurallyRequired && !seen[column.Index])
                {
                    errors.Add(column.Path, ErrorCodes.Required, column.Messages.Required);
                }
            }

            return values is null ? default : ImmutableCollectionsMarshal.AsImmutableArray(values);
        }
        finally
        {
            errors.LeaveRow();
        }
    }

    private static FieldModel? Column(ReadOnlySpan<byte> rawName, bool escaped, FieldModel table)
    {
        if (escaped)
        {
            var name = JsonScanner.Decode(rawName, escaped);
            return table.Columns.FirstOrDefault(c => c.Key == name);
        }

        foreach (var column in table.Columns)
        {
            if (rawName.SequenceEqual(column.Utf8Key))
            {
                return column;
            }
        }

        return null;
    }

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
