using System.Globalization;
using System.Text.Json.Nodes;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;

namespace Jiayi.Engine.Tests.Support;

/// <summary>
/// Generates submissions for a compiled form from its field models alone (never from the engine's
/// validator, which the submissions test). Half are clean: they keep every rule of the structural contract
/// (the published JSON Schema) by construction: distinct codes, an exclusive option only alone, every
/// always-required field and table column, row counts, ranges, lengths; with its edge cases (bounds,
/// <c>72.0</c> and exponents, empty optional answers, text of exactly the maximum length with characters
/// outside the BMP, fields in any order). The other half are a clean submission with a few mistakes, each
/// on a field of its own so that one cannot undo another: wrong JSON types, out-of-range numbers, unknown
/// codes, repeated codes, an exclusive option with another, broken dates, overlong text, U+0000, unknown
/// fields, nulls, missing required fields, too many or too few rows, bad rows and cells. Some "mistakes"
/// are allowed (null for an optional field, a bound itself); <see cref="Expected"/> says what the contract
/// makes of the last submission. Seeded, so a failure can be replayed.
/// </summary>
internal sealed class SubmissionGenerator(CompiledForm form, int seed)
{
    private static readonly string[] BadDates = ["2026-02-30", "2026/1/5", "2025-02-29", "2026-13-01", "2026-1-05", "20260105", "2026-01-05T08:00:00", ""];

    private readonly Random _random = new(seed);
    private readonly List<string> _mistakes = [];
    private bool _unsure;

    /// <summary>
    /// True: the last submission keeps the whole structural contract; false: it surely breaks it; null:
    /// the generator cannot tell (a field whose bounds hold no value).
    /// </summary>
    public bool? Expected { get; private set; }

    /// <summary>The mistakes made in the last submission, for failure messages.</summary>
    public string Mistakes => _mistakes.Count == 0 ? "none" : string.Join("; ", _mistakes);

    public JsonObject Next()
    {
        _mistakes.Clear();
        _unsure = false;
        var data = new JsonObject();
        foreach (var field in form.Fields)
        {
            if (field.StructurallyRequired || Chance(0.7))
            {
                data[field.Key] = Valid(field);
            }
        }

        var breaks = false;
        if (Chance(0.5))
        {
            // One mistake most of the time, so that each kind decides a submission on its own; several
            // now and then, so that many errors in one submission are collected alike.
            var count = Chance(0.6) ? 1 : _random.Next(2, 6);
            var touched = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                breaks |= Break(data, touched);
            }
        }

        Expected = breaks ? false : _unsure ? null : true;
        return Chance(0.15) ? Shuffled(data) : data;
    }

    private bool Chance(double p) => _random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>A value the contract accepts for the field (null only where the field may be empty).</summary>
    private JsonNode? Valid(FieldModel field)
    {
        if (!field.StructurallyRequired && Chance(0.03))
        {
            return null;
        }

        switch (field.Type.Key)
        {
            case "text":
                return !field.StructurallyRequired && Chance(0.05) ? "" : Text(Chance(0.05) ? field.MaxLength : _random.Next(1, Math.Min(field.MaxLength, 12) + 1));
            case "integer":
            case "decimal":
                if (ValidNumber(field) is { } number)
                {
                    return NumberNode(number, field.Type.Key == "integer");
                }

                _unsure |= field.StructurallyRequired;
                return null;
            case "date":
                return Chance(0.02) ? "2024-02-29" : Date(new DateOnly(2026, 1, 1).AddDays(_random.Next(330)));
            case "boolean":
                return Chance(0.5);
            case "choice":
                return Code(Pick(field.Options).Code, plain: false);
            case "multi-choice":
                return new JsonArray([.. ValidTicks(field).Select(o => (JsonNode)Code(o.Code, plain: false))]);
            case "table":
            {
                var min = MinRows(field);
                var count = Chance(0.03) ? field.MaxRows : Math.Min(field.MaxRows, min + _random.Next(0, 4));
                var rows = new JsonArray();
                for (var i = 0; i < count; i++)
                {
                    rows.Add(ValidRow(field));
                }

                return rows;
            }

            default:
                throw new InvalidOperationException(field.Type.Key);
        }
    }

    private JsonObject ValidRow(FieldModel table)
    {
        var row = new JsonObject();
        foreach (var column in table.Columns)
        {
            if (column.StructurallyRequired || Chance(0.7))
            {
                row[column.Key] = Valid(column);
            }
        }

        return row;
    }

    private static int MinRows(FieldModel table) => Math.Max(table.MinRows ?? 0, table.StructurallyRequired ? 1 : 0);

    /// <summary>Distinct options; an exclusive one only alone; at least one where the field is always required.</summary>
    private List<OptionModel> ValidTicks(FieldModel field)
    {
        var exclusive = field.Options.Where(o => o.Exclusive).ToList();
        var others = field.Options.Where(o => !o.Exclusive).ToList();
        if (!field.StructurallyRequired && Chance(0.05))
        {
            return [];
        }

        if (exclusive.Count > 0 && (others.Count == 0 || Chance(0.3)))
        {
            return [Pick(exclusive)];
        }

        var count = _random.Next(1, Math.Min(4, others.Count) + 1);
        return [.. others.OrderBy(_ => _random.Next()).Take(count)];
    }

    /// <summary>A number within the field's bounds (whole for integers); null when there is none.</summary>
    private decimal? ValidNumber(FieldModel field)
    {
        var integer = field.Type.Key == "integer";
        var min = field.Min ?? 0m;
        var max = field.Max ?? 100m;
        if (integer)
        {
            min = decimal.Ceiling(min);
            max = decimal.Floor(max);
        }

        if (min > max)
        {
            return null;
        }

        var roll = _random.NextDouble();
        if (roll < 0.05)
        {
            return min;
        }

        if (roll < 0.10)
        {
            return max;
        }

        var value = min + ((decimal)_random.NextDouble() * (max - min));
        value = Math.Round(value, integer ? 0 : Math.Min(field.Decimals ?? 2, 4));
        return Math.Clamp(value, min, max);
    }

    /// <summary>The number as JSON, now and then written as <c>72.0</c> or with an exponent (<c>7.25E+1</c>, <c>725e-1</c>), which is the same number.</summary>
    private JsonNode NumberNode(decimal value, bool integer)
    {
        var plain = Format(value);
        var roll = _random.NextDouble();
        if (integer && roll < 0.03)
        {
            return JsonNode.Parse(plain + ".0")!;
        }

        if (roll < 0.05 && value != 0)
        {
            var negative = plain.StartsWith('-');
            var magnitude = negative ? plain[1..] : plain;
            var point = magnitude.IndexOf('.', StringComparison.Ordinal);
            var decimals = point < 0 ? 0 : magnitude.Length - point - 1;
            var text = Chance(0.5)
                ? value.ToString("0.############E+0", CultureInfo.InvariantCulture)
                : (negative ? "-" : "") + magnitude.Replace(".", "", StringComparison.Ordinal).TrimStart('0') + "e-" + decimals.ToString(CultureInfo.InvariantCulture);
            var node = JsonNode.Parse(text)!;
            return node.GetValue<decimal>() == value ? node : JsonValue.Create(value);
        }

        return JsonValue.Create(value);
    }

    /// <summary>
    /// Text of exactly <paramref name="length"/> code points, with characters that need escaping or two UTF-16
    /// units. No combining marks or joiners: JsonSchema.Net counts maxLength in text elements (grapheme
    /// clusters), the engine in code points as the JSON Schema specification says, so the two differ there.
    /// </summary>
    private string Text(int length)
    {
        string[] pieces = ["测", "试", "a", "Z", "7", " ", "\"", "\\", "\n", "\t", "é", "😀", "𠀀", "/", "<"];
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < length; i++)
        {
            text.Append(i < 2 || Chance(0.6) ? (i % 2 == 0 ? "测" : "试") : Pick(pieces));
        }

        return text.ToString();
    }

    private static string Format(decimal number) => number.ToString("0.############", CultureInfo.InvariantCulture);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An option code as JSON; a numeric code is now and then written as <c>1.0</c>, which is the same number.</summary>
    private JsonValue Code(Value code, bool plain) =>
        code.Kind != ValueKind.Number ? JsonValue.Create(code.AsText)
        : !plain && Chance(0.02) && code.AsNumber == decimal.Truncate(code.AsNumber) ? (JsonValue)JsonNode.Parse(Format(code.AsNumber) + ".0")!
        : JsonValue.Create(code.AsNumber);

    /// <summary>Makes one mistake on a field (or the root) not touched yet; whether it breaks the contract.</summary>
    private bool Break(JsonObject data, HashSet<string> touched)
    {
        var roll = _random.NextDouble();
        if (roll < 0.08)
        {
            var name = Chance(0.7) ? "unknown_" + _random.Next(1000).ToString(CultureInfo.InvariantCulture) : "未知字段";
            if (form.FindField(name) is not null || !touched.Add(name))
            {
                return false;
            }

            data[name] = Chance(0.5) ? JsonValue.Create(1) : null;
            _mistakes.Add($"unknown field {name}");
            return true;
        }

        var required = form.Fields.Where(f => f.StructurallyRequired && !touched.Contains(f.Key)).ToList();
        if (roll < 0.16 && required.Count > 0)
        {
            var field = Pick(required);
            touched.Add(field.Key);
            if (Chance(0.5))
            {
                data.Remove(field.Key);
                _mistakes.Add($"{field.Key} left out");
            }
            else
            {
                data[field.Key] = null;
                _mistakes.Add($"{field.Key} null");
            }

            return true;
        }

        // A type first, then a field of it: a large form's few tables and multi-choices get their share.
        var free = form.Fields.Where(f => !touched.Contains(f.Key)).GroupBy(f => f.Type.Key).Select(g => g.ToList()).ToList();
        if (free.Count == 0)
        {
            return false;
        }

        var target = Pick(Pick(free));
        touched.Add(target.Key);
        var (value, breaks, what) = Mistake(target, data[target.Key]?.DeepClone());
        data[target.Key] = value;
        _mistakes.Add($"{target.Key}: {what}");
        return breaks;
    }

    /// <summary>A doubtful value for a field or column, given its clean value; whether it breaks the contract.</summary>
    private (JsonNode? Value, bool Breaks, string What) Mistake(FieldModel field, JsonNode? clean)
    {
        var roll = _random.NextDouble();
        if (roll < 0.2)
        {
            return (WrongType(field), true, "wrong JSON type");
        }

        if (roll < 0.27)
        {
            return (null, field.StructurallyRequired, "null");
        }

        if (field.IsCalculated)
        {
            // Only the JSON type of a calculated field's value is checked; the value itself is replaced.
            return (Valid(field), false, "a value for a calculated field");
        }

        switch (field.Type.Key)
        {
            case "text":
                return _random.Next(4) switch
                {
                    0 => (JsonValue.Create(Text(field.MaxLength + 1 + _random.Next(2))), true, "too long"),
                    1 => (JsonValue.Create(Text(_random.Next(0, 3)) + "\0" + Text(_random.Next(0, 3))), true, "U+0000"),
                    2 => (JsonValue.Create(""), field.StructurallyRequired, "empty text"),
                    _ => (JsonValue.Create(Text(field.MaxLength)), false, "text of the maximum length"),
                };
            case "integer":
            case "decimal":
                return NumberMistake(field);
            case "date":
                return (JsonValue.Create(Pick(BadDates)), true, "broken date");
            case "boolean":
                return (Chance(0.5) ? JsonValue.Create("true") : JsonValue.Create(1), true, "a boolean as text or number");
            case "choice":
                return _random.Next(3) switch
                {
                    0 => (UnknownCode(field), true, "unknown code"),
                    1 => (CodeOfOtherType(field), true, "a code of the other JSON type"),
                    _ => (new JsonArray(Code(Pick(field.Options).Code, plain: true)), true, "a code in an array"),
                };
            case "multi-choice":
                return MultiChoiceMistake(field);
            case "table":
                return TableMistake(field, clean as JsonArray);
            default:
                throw new InvalidOperationException(field.Type.Key);
        }
    }

    private (JsonNode? Value, bool Breaks, string What) NumberMistake(FieldModel field)
    {
        var integer = field.Type.Key == "integer";
        // Every number field has both bounds (the compiler requires them).
        var min = field.Min!.Value;
        var max = field.Max!.Value;
        var step = integer || Chance(0.5) ? 1m : 0.01m;
        switch (_random.Next(7))
        {
            case 0:
                return (NumberNode(min - step, integer: false), true, "below the minimum");
            case 1:
                return (NumberNode(max + step, integer: false), true, "above the maximum");
            case 2:
                return (JsonNode.Parse(Chance(0.5) ? "1e40" : "-1e40"), true, "beyond decimal");
            case 3 when integer:
                return (JsonValue.Create(decimal.Floor(ValidNumber(field) ?? min) + 0.5m), true, "a fraction for an integer");
            case 4:
                return (NumberNode(Chance(0.5) ? min : max, integer), false, "a bound");
            case 5:
                return (JsonValue.Create(Format(ValidNumber(field) ?? min)), true, "a number as a string");
            default:
                return (JsonNode.Parse(Pick(new[] { "0", "-0", "0.0", "0e5" })), min > 0 || max < 0, "zero");
        }
    }

    private (JsonNode? Value, bool Breaks, string What) MultiChoiceMistake(FieldModel field)
    {
        var exclusive = field.Options.Where(o => o.Exclusive).ToList();
        switch (_random.Next(5))
        {
            case 0:
            {
                var ticks = ValidTicks(field);
                if (ticks.Count == 0)
                {
                    ticks.Add(Pick(field.Options));
                }

                ticks.Insert(_random.Next(ticks.Count + 1), Pick(ticks));
                return (Ticks(ticks), true, "a code ticked twice");
            }

            case 1 when exclusive.Count > 0 && field.Options.Length > 1:
            {
                var alone = Pick(exclusive);
                var ticks = field.Options.Where(o => o != alone).OrderBy(_ => _random.Next()).Take(_random.Next(1, 3)).ToList();
                ticks.Insert(_random.Next(ticks.Count + 1), alone);
                return (Ticks(ticks), true, "an exclusive option with another");
            }

            case 2:
            {
                var ticks = Ticks(ValidTicks(field));
                ticks.Insert(_random.Next(ticks.Count + 1), UnknownCode(field));
                return (ticks, true, "an unknown code");
            }

            case 3:
                return (new JsonArray(), field.StructurallyRequired, "no tick");
            default:
                return (Code(Pick(field.Options).Code, plain: true), true, "a code outside an array");
        }
    }

    private JsonArray Ticks(IEnumerable<OptionModel> options) => [.. options.Select(o => (JsonNode)Code(o.Code, plain: false))];

    private (JsonNode? Value, bool Breaks, string What) TableMistake(FieldModel table, JsonArray? clean)
    {
        var rows = clean ?? [];
        // Rows to break where the clean answer had none: as many as the table needs (at least one).
        while (rows.Count < Math.Max(1, MinRows(table)))
        {
            rows.Add(ValidRow(table));
        }

        var row = (JsonObject)rows[_random.Next(rows.Count)]!;
        var required = table.Columns.Where(c => c.StructurallyRequired).ToList();
        switch (_random.Next(7))
        {
            case 0:
            {
                var many = new JsonArray();
                for (var i = 0; i <= table.MaxRows; i++)
                {
                    many.Add(ValidRow(table));
                }

                return (many, true, "too many rows");
            }

            case 1 when MinRows(table) > 0:
            {
                var few = new JsonArray();
                for (var i = 0; i < MinRows(table) - 1; i++)
                {
                    few.Add(ValidRow(table));
                }

                return (few, true, "too few rows");
            }

            case 2 when required.Count > 0:
            {
                var column = Pick(required);
                if (Chance(0.5))
                {
                    row.Remove(column.Key);
                }
                else
                {
                    row[column.Key] = null;
                }

                return (rows, true, $"a row without {column.Key}");
            }

            case 3:
                row[Chance(0.5) ? "extra" : "备注"] = "x";
                return (rows, true, "a row with an unknown column");
            case 4:
                rows[rows.IndexOf(row)] = Chance(0.5) ? JsonValue.Create("not a row") : new JsonArray(JsonValue.Create(1));
                return (rows, true, "a row that is not an object");
            default:
            {
                var column = Pick(table.Columns);
                var (value, breaks, what) = Mistake(column, row[column.Key]?.DeepClone());
                row[column.Key] = value;
                return (rows, breaks, $"{column.Key} in a row: {what}");
            }
        }
    }

    /// <summary>A value of a JSON type the field's type never accepts (calculated or not).</summary>
    private JsonNode WrongType(FieldModel field)
    {
        var type = field.Type.Key;
        List<Func<JsonNode>> candidates = [() => new JsonObject { ["x"] = 1 }];
        if (type is not ("text" or "date" or "choice"))
        {
            candidates.Add(() => JsonValue.Create("文本"));
        }

        if (type is not ("integer" or "decimal" or "choice"))
        {
            candidates.Add(() => JsonValue.Create(12345));
        }

        if (type != "boolean")
        {
            candidates.Add(() => JsonValue.Create(true));
        }

        if (type is not ("multi-choice" or "table"))
        {
            candidates.Add(() => new JsonArray(JsonValue.Create(1)));
        }

        return Pick(candidates)();
    }

    /// <summary>A code of the field's JSON type that is no option's code.</summary>
    private JsonValue UnknownCode(FieldModel field)
    {
        if (field.CodeType == ExprType.Text)
        {
            var first = field.Options[0].Code.AsText;
            string[] texts = ["zz", "未知", "", " " + first, first + " ", first.ToUpperInvariant() + "x"];
            var unknownTexts = texts.Where(c => !field.OptionsByCode.ContainsKey(Value.Text(c))).ToList();
            return JsonValue.Create(Pick(unknownTexts));
        }

        var highest = field.Options.Max(o => o.Code.AsNumber);
        decimal[] numbers = [99, highest + 1, -1, 10, 0.5m, 1000000, highest + 0.5m, 4294967297m];
        var unknown = numbers.Where(n => !field.OptionsByCode.ContainsKey(Value.Number(n))).ToList();
        return JsonValue.Create(Pick(unknown));
    }

    /// <summary>An existing code written as the other JSON type (<c>"1"</c> for 1, a number for a text code).</summary>
    private JsonValue CodeOfOtherType(FieldModel field)
    {
        var code = Pick(field.Options).Code;
        return code.Kind == ValueKind.Number ? JsonValue.Create(Format(code.AsNumber)) : JsonValue.Create(1);
    }

    private JsonObject Shuffled(JsonObject data)
    {
        var properties = data.ToList();
        data.Clear();
        var shuffled = new JsonObject();
        foreach (var (key, value) in properties.OrderBy(_ => _random.Next()))
        {
            shuffled[key] = value;
        }

        return shuffled;
    }
}
