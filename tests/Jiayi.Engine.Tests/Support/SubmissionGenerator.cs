using System.Globalization;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;

namespace Jiayi.Engine.Tests.Support;

/// <summary>
/// Generates submissions for a compiled form: mostly plausible answers, with a share of every kind of
/// mistake a client can make (wrong types, out-of-range numbers, unknown codes, duplicates, broken
/// dates, overlong text, unknown fields, nulls, missing required fields, bad table rows). Seeded, so
/// a failure can be replayed.
/// </summary>
internal sealed class SubmissionGenerator(CompiledForm form, int seed)
{
    private readonly Random _random = new(seed);
    private bool _clean;

    public JsonObject Next()
    {
        // Half of the submissions make no mistake at all, so that both outcomes are well covered.
        _clean = Chance(0.5);
        var data = new JsonObject();
        foreach (var field in form.Fields)
        {
            if (field.StructurallyRequired ? Mistake(0.02) : Chance(0.3))
            {
                continue;
            }

            data[field.Key] = Mistake(0.04) ? Wrong(field) : Plausible(field);
        }

        if (Mistake(0.03))
        {
            data["unknown_" + _random.Next(100)] = 1;
        }

        return data;
    }

    private bool Chance(double p) => _random.NextDouble() < p;

    private bool Mistake(double p) => !_clean && Chance(p);

    private JsonNode? Plausible(FieldModel field)
    {
        switch (field.Type.Key)
        {
            case "text":
                return Mistake(0.02) ? new string('字', field.MaxLength + 1) : Mistake(0.02) ? "空\0字符" : Chance(0.05) ? "" : "测试" + _random.Next(1000).ToString(CultureInfo.InvariantCulture);
            case "integer":
            case "decimal":
                return Number(field);
            case "date":
                return Mistake(0.03) ? "2026-02-30" : Mistake(0.02) ? "2026/1/5" : new DateOnly(2026, 1, 1).AddDays(_random.Next(330)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case "boolean":
                return Chance(0.5);
            case "choice":
                return Mistake(0.03) ? 99 : Code(field.Options[_random.Next(field.Options.Length)].Code);
            case "multi-choice":
            {
                var count = Mistake(0.05) ? 0 : _random.Next(1, Math.Min(4, field.Options.Length) + 1);
                var codes = Enumerable.Range(0, count).Select(_ => Code(field.Options[_random.Next(field.Options.Length)].Code)).ToArray();
                return new JsonArray(codes);
            }

            case "table":
            {
                var rows = new JsonArray();
                var count = Mistake(0.02) ? field.MaxRows + 1 : _random.Next(0, 4);
                for (var i = 0; i < count; i++)
                {
                    var row = new JsonObject();
                    foreach (var column in field.Columns)
                    {
                        if (!Chance(0.15))
                        {
                            row[column.Key] = Mistake(0.04) ? Wrong(column) : Plausible(column);
                        }
                    }

                    if (Mistake(0.03))
                    {
                        row["extra"] = "x";
                    }

                    rows.Add(Mistake(0.02) ? JsonValue.Create("not a row") : row);
                }

                return rows;
            }

            default:
                throw new InvalidOperationException(field.Type.Key);
        }
    }

    private JsonNode Number(FieldModel field)
    {
        var min = field.Min ?? 0m;
        var max = field.Max ?? 100m;
        var integer = field.Type.Key == "integer";
        var roll = _clean ? 0.5 : _random.NextDouble();
        decimal value = roll switch
        {
            < 0.03 => min - 1,
            < 0.06 => max + 1,
            < 0.08 => min,
            < 0.10 => max,
            _ => min + (decimal)_random.NextDouble() * (max - min),
        };
        if (integer)
        {
            value = Math.Round(value);
            if (Mistake(0.03))
            {
                return JsonValue.Create(value + 0.5m);
            }

            if (Chance(0.03))
            {
                return JsonNode.Parse(value.ToString("0", CultureInfo.InvariantCulture) + ".0")!;
            }
        }
        else
        {
            value = Math.Round(value, 2);
        }

        if (Mistake(0.01))
        {
            return JsonNode.Parse("1e40")!;
        }

        return JsonValue.Create(value);
    }

    private JsonNode? Wrong(FieldModel field) => _random.Next(5) switch
    {
        0 => null,
        1 => JsonValue.Create("文本"),
        2 => JsonValue.Create(12345),
        3 => new JsonObject { ["x"] = 1 },
        _ => JsonValue.Create(true),
    };

    private static JsonValue Code(Value code) => code.Kind == ValueKind.Number ? JsonValue.Create(code.AsNumber) : JsonValue.Create(code.AsText);
}
