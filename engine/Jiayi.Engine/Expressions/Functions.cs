using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Jiayi.Engine.Expressions;

/// <summary>
/// A function of the expression language, described by metadata so that the documentation and the
/// designer can list it. Strict functions receive evaluated arguments; a null argument usually gives null.
/// </summary>
public sealed class FunctionDescriptor
{
    internal FunctionDescriptor(string name, string signature, string description, int minArgs, int maxArgs, Func<ExprType[], ExprType> typeOf)
    {
        Name = name;
        Signature = signature;
        Description = description;
        MinArgs = minArgs;
        MaxArgs = maxArgs;
        TypeOf = typeOf;
    }

    public string Name { get; }

    /// <summary>How the call is written, e.g. <c>addDays(日期, 天数)</c>.</summary>
    public string Signature { get; }

    /// <summary>What it does, in Chinese.</summary>
    public string Description { get; }

    public int MinArgs { get; }

    public int MaxArgs { get; }

    /// <summary>The result type for the given argument types; throws <see cref="FunctionTypeException"/> when they do not fit.</summary>
    internal Func<ExprType[], ExprType> TypeOf { get; }

    internal Func<Value, Value>? Unary { get; init; }

    internal Func<Value, Value, Value>? Binary { get; init; }

    internal Func<Value[], Value>? Variadic { get; init; }

    /// <summary>Special forms (<c>if</c>, <c>coalesce</c>, <c>today</c>, <c>optionScore</c>, <c>label</c>) are built by the compiler itself.</summary>
    internal bool IsSpecialForm => Unary is null && Binary is null && Variadic is null;
}

/// <summary>Argument types that do not fit a function; the compiler adds the position.</summary>
internal sealed class FunctionTypeException(string message) : Exception(message);

/// <summary>The functions of the expression language.</summary>
public static class Functions
{
    public static FrozenDictionary<string, FunctionDescriptor> All { get; } = Build().ToFrozenDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<FunctionDescriptor> Build()
    {
        yield return new("if", "if(条件, 值1, 值2)", "条件成立时取值1，否则（不成立或未知）取值2", 3, 3, types =>
        {
            Expect(types[0], ExprType.Boolean, "if 的条件");
            return Common(types[1], types[2], "if 的两个取值");
        });
        yield return new("coalesce", "coalesce(值1, 值2, …)", "取第一个非空的值", 2, 16, types =>
            types.Aggregate(ExprType.Null, (acc, t) => Common(acc, t, "coalesce 的各个值")));
        yield return new("today", "today()", "评估当天的日期", 0, 0, _ => ExprType.Date);
        yield return new("optionScore", "optionScore(选项字段)", "所选选项在评分表中的分值", 1, 1, _ => ExprType.Number);
        yield return new("label", "label(选项字段)", "所选选项的中文名称", 1, 1, _ => ExprType.Text);

        yield return new("blank", "blank(值)", "值为空（未填、空文本、空列表）时为真", 1, 1, _ => ExprType.Boolean)
        {
            Unary = v => Value.Boolean(IsBlank(v)),
        };
        yield return new("present", "present(值)", "值已填写时为真", 1, 1, _ => ExprType.Boolean)
        {
            Unary = v => Value.Boolean(!IsBlank(v)),
        };
        yield return new("contains", "contains(多选字段, 代码)", "多选字段中勾选了该代码时为真", 2, 2, types =>
        {
            ExpectList(types[0], "contains 的第 1 个参数");
            Expect(types[1], types[0].ElementType(), "contains 的第 2 个参数");
            return ExprType.Boolean;
        })
        {
            Binary = (list, code) => list.IsNull || code.IsNull ? Value.Null : Value.Boolean(list.AsList.Contains(code)),
        };
        yield return new("containsAny", "containsAny(多选字段, 代码1, 代码2, …)", "多选字段中勾选了其中任一代码时为真", 2, 32, types =>
        {
            ExpectList(types[0], "containsAny 的第 1 个参数");
            foreach (var t in types.Skip(1))
            {
                Expect(t, types[0].ElementType(), "containsAny 的代码");
            }

            return ExprType.Boolean;
        })
        {
            Variadic = args => args[0].IsNull ? Value.Null : Value.Boolean(args.Skip(1).Any(c => !c.IsNull && args[0].AsList.Contains(c))),
        };
        yield return new("count", "count(多选字段或表格)", "勾选的项数或表格的行数；未填为 0", 1, 1, types =>
        {
            if (!types[0].IsList() && types[0] is not (ExprType.Rows or ExprType.Null))
            {
                throw new FunctionTypeException($"count 的参数应为多选字段或表格，实际为{types[0].ChineseName()}");
            }

            return ExprType.Number;
        })
        {
            Unary = v => Value.Number(v.Kind switch
            {
                ValueKind.List => v.AsList.Length,
                ValueKind.Rows => v.AsRows.Length,
                _ => 0,
            }),
        };
        yield return new("len", "len(文本)", "文本的字符数", 1, 1, types => Expect(types[0], ExprType.Text, "len 的参数", ExprType.Number))
        {
            Unary = v => v.IsNull ? Value.Null : Value.Number(CountCodePoints(v.AsText)),
        };

        yield return new("round", "round(数值, 小数位数)", "四舍五入（0.5 向远离零的方向）到指定小数位", 1, 2, types => Numbers(types, "round"))
        {
            Unary = v => v.IsNull ? Value.Null : Value.Number(Math.Round(v.AsNumber, 0, MidpointRounding.AwayFromZero)),
            Binary = (v, digits) => v.IsNull || digits.IsNull ? Value.Null : Round(v.AsNumber, digits.AsNumber),
        };
        yield return new("floor", "floor(数值)", "向下取整", 1, 1, types => Numbers(types, "floor"))
        {
            Unary = v => v.IsNull ? Value.Null : Value.Number(Math.Floor(v.AsNumber)),
        };
        yield return new("ceiling", "ceiling(数值)", "向上取整", 1, 1, types => Numbers(types, "ceiling"))
        {
            Unary = v => v.IsNull ? Value.Null : Value.Number(Math.Ceiling(v.AsNumber)),
        };
        yield return new("abs", "abs(数值)", "绝对值", 1, 1, types => Numbers(types, "abs"))
        {
            Unary = v => v.IsNull ? Value.Null : Value.Number(Math.Abs(v.AsNumber)),
        };
        yield return new("pow", "pow(底数, 指数)", "乘方", 2, 2, types => Numbers(types, "pow"))
        {
            Binary = Pow,
        };
        yield return new("sum", "sum(值1, 值2, …)", "求和，忽略未填的值；全部未填时为空", 1, 64, types => Numbers(types, "sum"))
        {
            Variadic = Sum,
        };
        yield return new("min", "min(值1, 值2, …)", "最小值（数值或日期），忽略未填的值", 1, 64, types => SameOrderable(types, "min"))
        {
            Variadic = args => Extreme(args, smallest: true),
        };
        yield return new("max", "max(值1, 值2, …)", "最大值（数值或日期），忽略未填的值", 1, 64, types => SameOrderable(types, "max"))
        {
            Variadic = args => Extreme(args, smallest: false),
        };

        yield return new("addDays", "addDays(日期, 天数)", "日期加若干天", 2, 2, types => DateAndNumber(types, "addDays"))
        {
            Binary = (d, n) => ShiftDate(d, n, (date, k) => date.AddDays(k)),
        };
        yield return new("addMonths", "addMonths(日期, 月数)", "日期加若干月（月末自动对齐）", 2, 2, types => DateAndNumber(types, "addMonths"))
        {
            Binary = (d, n) => ShiftDate(d, n, (date, k) => date.AddMonths(k)),
        };
        yield return new("addYears", "addYears(日期, 年数)", "日期加若干年", 2, 2, types => DateAndNumber(types, "addYears"))
        {
            Binary = (d, n) => ShiftDate(d, n, (date, k) => date.AddYears(k)),
        };
        yield return new("daysBetween", "daysBetween(开始日期, 结束日期)", "两个日期相差的天数（结束减开始）", 2, 2, types =>
        {
            Expect(types[0], ExprType.Date, "daysBetween 的第 1 个参数");
            return Expect(types[1], ExprType.Date, "daysBetween 的第 2 个参数", ExprType.Number);
        })
        {
            Binary = (a, b) => a.IsNull || b.IsNull ? Value.Null : Value.Number(b.AsDate.DayNumber - a.AsDate.DayNumber),
        };
        yield return new("age", "age(出生日期, 日期)", "到某日的周岁年龄", 2, 2, types =>
        {
            Expect(types[0], ExprType.Date, "age 的第 1 个参数");
            return Expect(types[1], ExprType.Date, "age 的第 2 个参数", ExprType.Number);
        })
        {
            Binary = (birth, on) => birth.IsNull || on.IsNull ? Value.Null : Value.Number(Age(birth.AsDate, on.AsDate)),
        };
        yield return new("year", "year(日期)", "日期的年份", 1, 1, types => Expect(types[0], ExprType.Date, "year 的参数", ExprType.Number))
        {
            Unary = d => d.IsNull ? Value.Null : Value.Number(d.AsDate.Year),
        };
        yield return new("month", "month(日期)", "日期的月份", 1, 1, types => Expect(types[0], ExprType.Date, "month 的参数", ExprType.Number))
        {
            Unary = d => d.IsNull ? Value.Null : Value.Number(d.AsDate.Month),
        };
    }

    /// <summary>Whole years from <paramref name="birth"/> to <paramref name="on"/>.</summary>
    public static int Age(DateOnly birth, DateOnly on)
    {
        var years = on.Year - birth.Year;
        if (on.Month < birth.Month || (on.Month == birth.Month && on.Day < birth.Day))
        {
            years--;
        }

        return years;
    }

    internal static bool IsBlank(Value v) => v.Kind switch
    {
        ValueKind.Null => true,
        ValueKind.Text => string.IsNullOrWhiteSpace(v.AsText),
        ValueKind.List => v.AsList.IsEmpty,
        ValueKind.Rows => v.AsRows.IsEmpty,
        _ => false,
    };

    internal static int CountCodePoints(string text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }

            count++;
        }

        return count;
    }

    private static Value Round(decimal value, decimal digits)
    {
        if (digits != decimal.Truncate(digits) || digits < 0 || digits > 10)
        {
            return Value.Null;
        }

        return Value.Number(Math.Round(value, (int)digits, MidpointRounding.AwayFromZero));
    }

    private static Value Pow(Value x, Value y)
    {
        if (x.IsNull || y.IsNull)
        {
            return Value.Null;
        }

        var b = x.AsNumber;
        var e = y.AsNumber;
        try
        {
            if (e == decimal.Truncate(e) && e >= 0 && e <= 32)
            {
                var result = 1m;
                for (var i = 0; i < (int)e; i++)
                {
                    result *= b;
                }

                return Value.Number(result);
            }

            var d = Math.Pow((double)b, (double)e);
            return double.IsFinite(d) ? Value.Number((decimal)d) : Value.Null;
        }
        catch (OverflowException)
        {
            return Value.Null;
        }
    }

    private static Value Sum(Value[] args)
    {
        decimal? total = null;
        try
        {
            foreach (var arg in args)
            {
                if (!arg.IsNull)
                {
                    total = (total ?? 0m) + arg.AsNumber;
                }
            }
        }
        catch (OverflowException)
        {
            return Value.Null;
        }

        return total.HasValue ? Value.Number(total.Value) : Value.Null;
    }

    private static Value Extreme(Value[] args, bool smallest)
    {
        Value best = Value.Null;
        foreach (var arg in args)
        {
            if (arg.IsNull)
            {
                continue;
            }

            if (best.IsNull)
            {
                best = arg;
                continue;
            }

            var order = Operations.Compare(arg, best);
            if (smallest ? order < 0 : order > 0)
            {
                best = arg;
            }
        }

        return best;
    }

    private static Value ShiftDate(Value date, Value amount, Func<DateOnly, int, DateOnly> shift)
    {
        if (date.IsNull || amount.IsNull)
        {
            return Value.Null;
        }

        var n = decimal.Truncate(amount.AsNumber);
        if (n is > 100_000 or < -100_000)
        {
            return Value.Null;
        }

        try
        {
            return Value.Date(shift(date.AsDate, (int)n));
        }
        catch (ArgumentOutOfRangeException)
        {
            return Value.Null;
        }
    }

    private static ExprType Numbers(ExprType[] types, string name)
    {
        for (var i = 0; i < types.Length; i++)
        {
            Expect(types[i], ExprType.Number, $"{name} 的第 {i + 1} 个参数");
        }

        return ExprType.Number;
    }

    private static ExprType SameOrderable(ExprType[] types, string name)
    {
        var common = types.Aggregate(ExprType.Null, (acc, t) => Common(acc, t, $"{name} 的各个参数"));
        if (common is not (ExprType.Number or ExprType.Date or ExprType.Null))
        {
            throw new FunctionTypeException($"{name} 的参数应为数值或日期，实际为{common.ChineseName()}");
        }

        return common;
    }

    private static ExprType DateAndNumber(ExprType[] types, string name)
    {
        Expect(types[0], ExprType.Date, $"{name} 的第 1 个参数");
        Expect(types[1], ExprType.Number, $"{name} 的第 2 个参数");
        return ExprType.Date;
    }

    private static ExprType Expect(ExprType actual, ExprType expected, string what, ExprType result = ExprType.Null)
    {
        if (!actual.Fits(expected))
        {
            throw new FunctionTypeException($"{what}应为{expected.ChineseName()}，实际为{actual.ChineseName()}");
        }

        return result;
    }

    private static void ExpectList(ExprType actual, string what)
    {
        if (!actual.IsList())
        {
            throw new FunctionTypeException($"{what}应为多选字段，实际为{actual.ChineseName()}");
        }
    }

    internal static ExprType Common(ExprType a, ExprType b, string what)
    {
        if (a == ExprType.Null)
        {
            return b;
        }

        if (b == ExprType.Null || a == b)
        {
            return a;
        }

        throw new FunctionTypeException($"{what}类型不一致：{a.ChineseName()}与{b.ChineseName()}");
    }

    internal static ImmutableArray<string> Names => [.. All.Keys.Order(StringComparer.Ordinal)];
}
