using System.Collections.Immutable;

namespace Jiayi.Engine.Expressions;

/// <summary>
/// Type-checks a parsed expression against the names a resolver offers and turns it into a
/// delegate tree. Compilation happens once per definition version; the delegates hold no state
/// of their own and read everything from the per-call scope.
/// </summary>
public sealed class ExpressionCompiler<TScope>
    where TScope : IExpressionScope
{
    private readonly ISymbolResolver<TScope> _resolver;

    public ExpressionCompiler(ISymbolResolver<TScope> resolver)
    {
        _resolver = resolver;
    }

    /// <summary>Parses and compiles <paramref name="source"/>; when <paramref name="expected"/> is given the result must have that type.</summary>
    public CompiledExpression<TScope> Compile(string source, ExprType? expected = null)
    {
        var tree = Parser.Parse(source);
        var references = new List<Symbol<TScope>>();
        var (type, evaluate) = Build(tree, references);
        if (expected is { } wanted && !type.Fits(wanted))
        {
            throw new ExpressionException($"表达式的结果应为{wanted.ChineseName()}，实际为{type.ChineseName()}", tree.Start);
        }

        return new CompiledExpression<TScope>(source, tree, type, evaluate, [.. references.Distinct()]);
    }

    private (ExprType Type, Func<TScope, Value> Evaluate) Build(ExprNode node, List<Symbol<TScope>> references) => node switch
    {
        LiteralNode literal => (TypeOf(literal.Value), Constant(literal.Value)),
        IdentifierNode identifier => BuildIdentifier(identifier, references),
        UnaryNode unary => BuildUnary(unary, references),
        BinaryNode binary => BuildBinary(binary, references),
        ConditionalNode conditional => BuildConditional(conditional.Condition, conditional.WhenTrue, conditional.WhenFalse, conditional.Start, references),
        InNode inNode => BuildIn(inNode, references),
        CallNode call => BuildCall(call, references),
        _ => throw new ExpressionException("无法识别的表达式", node.Start),
    };

    private static Func<TScope, Value> Constant(Value value) => _ => value;

    private static ExprType TypeOf(Value value) => value.Kind switch
    {
        ValueKind.Number => ExprType.Number,
        ValueKind.Text => ExprType.Text,
        ValueKind.Boolean => ExprType.Boolean,
        ValueKind.Date => ExprType.Date,
        _ => ExprType.Null,
    };

    private Symbol<TScope> Resolve(IdentifierNode identifier)
    {
        Symbol<TScope>? symbol;
        try
        {
            symbol = _resolver.Resolve(identifier.Name);
        }
        catch (ExpressionException e) when (e.Position == 0)
        {
            throw new ExpressionException(e.Message, identifier.Start);
        }

        return symbol
            ?? throw new ExpressionException($"未知的名称“{identifier.Name}”。{_resolver.UnknownNameHint(identifier.Name)}", identifier.Start);
    }

    private (ExprType, Func<TScope, Value>) BuildIdentifier(IdentifierNode identifier, List<Symbol<TScope>> references)
    {
        var symbol = Resolve(identifier);
        references.Add(symbol);
        return (symbol.Type, symbol.Read);
    }

    private (ExprType, Func<TScope, Value>) BuildUnary(UnaryNode unary, List<Symbol<TScope>> references)
    {
        var (type, operand) = Build(unary.Operand, references);
        if (unary.Operator == UnaryOperator.Not)
        {
            RequireType(type, ExprType.Boolean, "not 的操作数", unary.Operand.Start);
            return (ExprType.Boolean, scope =>
            {
                var v = operand(scope);
                return v.IsNull ? Value.Null : Value.Boolean(!v.AsBoolean);
            });
        }

        RequireType(type, ExprType.Number, "负号的操作数", unary.Operand.Start);
        return (ExprType.Number, scope =>
        {
            var v = operand(scope);
            return v.IsNull ? Value.Null : Value.Number(-v.AsNumber);
        });
    }

    private (ExprType, Func<TScope, Value>) BuildBinary(BinaryNode binary, List<Symbol<TScope>> references)
    {
        var (leftType, left) = Build(binary.Left, references);
        var (rightType, right) = Build(binary.Right, references);
        var op = binary.Operator;
        switch (op)
        {
            case BinaryOperator.And:
                RequireType(leftType, ExprType.Boolean, "and 的左边", binary.Left.Start);
                RequireType(rightType, ExprType.Boolean, "and 的右边", binary.Right.Start);
                return (ExprType.Boolean, scope =>
                {
                    var l = left(scope);
                    if (l.IsFalse)
                    {
                        return Value.False;
                    }

                    var r = right(scope);
                    if (r.IsFalse)
                    {
                        return Value.False;
                    }

                    return l.IsNull || r.IsNull ? Value.Null : Value.True;
                });
            case BinaryOperator.Or:
                RequireType(leftType, ExprType.Boolean, "or 的左边", binary.Left.Start);
                RequireType(rightType, ExprType.Boolean, "or 的右边", binary.Right.Start);
                return (ExprType.Boolean, scope =>
                {
                    var l = left(scope);
                    if (l.IsTrue)
                    {
                        return Value.True;
                    }

                    var r = right(scope);
                    if (r.IsTrue)
                    {
                        return Value.True;
                    }

                    return l.IsNull || r.IsNull ? Value.Null : Value.False;
                });
            case BinaryOperator.Add when leftType == ExprType.Text || rightType == ExprType.Text:
                RequireSame(leftType, rightType, binary);
                return (ExprType.Text, scope => Operations.Arithmetic(op, left(scope), right(scope)));
            case BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide or BinaryOperator.Modulo:
                RequireType(leftType, ExprType.Number, $"{op.Symbol()} 的左边", binary.Left.Start);
                RequireType(rightType, ExprType.Number, $"{op.Symbol()} 的右边", binary.Right.Start);
                return (ExprType.Number, scope => Operations.Arithmetic(op, left(scope), right(scope)));
            default:
                return BuildComparison(binary, leftType, left, rightType, right);
        }
    }

    private (ExprType, Func<TScope, Value>) BuildComparison(BinaryNode binary, ExprType leftType, Func<TScope, Value> left, ExprType rightType, Func<TScope, Value> right)
    {
        var op = binary.Operator;
        if (leftType == ExprType.Null || rightType == ExprType.Null)
        {
            throw new ExpressionException("不能与 null 比较：判断是否填写请用 blank(x) 或 present(x)", binary.Start);
        }

        RequireSame(leftType, rightType, binary);
        if (leftType.IsList() || leftType == ExprType.Rows)
        {
            throw new ExpressionException("多选字段和表格不能直接比较：请用 contains(字段, 代码) 或 count(字段)", binary.Start);
        }

        var equality = op is BinaryOperator.Equal or BinaryOperator.NotEqual;
        if (!equality && leftType is not (ExprType.Number or ExprType.Date or ExprType.Text))
        {
            throw new ExpressionException($"{leftType.ChineseName()}不能用 {op.Symbol()} 比较大小", binary.Start);
        }

        CheckCode(binary.Left, binary.Right);
        CheckCode(binary.Right, binary.Left);

        if (binary.Right is LiteralNode constant)
        {
            var value = constant.Value;
            return (ExprType.Boolean, scope => Operations.Relational(op, left(scope), value));
        }

        return (ExprType.Boolean, scope => Operations.Relational(op, left(scope), right(scope)));
    }

    /// <summary>A literal compared with a choice field must be one of its codes: catches typos at load time.</summary>
    private void CheckCode(ExprNode maybeField, ExprNode maybeLiteral)
    {
        if (maybeField is IdentifierNode identifier && maybeLiteral is LiteralNode { Value.IsNull: false } literal)
        {
            CheckCode(Resolve(identifier), literal);
        }
    }

    private static void CheckCode(Symbol<TScope> symbol, LiteralNode literal)
    {
        if (symbol.Choice is { } choice && !choice.Labels.ContainsKey(literal.Value))
        {
            throw new ExpressionException($"“{symbol.Label}”没有代码 {literal.Value}（可选：{choice.Describe()}）", literal.Start);
        }
    }

    private (ExprType, Func<TScope, Value>) BuildConditional(ExprNode conditionNode, ExprNode whenTrueNode, ExprNode whenFalseNode, int start, List<Symbol<TScope>> references)
    {
        var (conditionType, condition) = Build(conditionNode, references);
        RequireType(conditionType, ExprType.Boolean, "条件", conditionNode.Start);
        var (trueType, whenTrue) = Build(whenTrueNode, references);
        var (falseType, whenFalse) = Build(whenFalseNode, references);
        var type = Common(trueType, falseType, "两个取值", start);
        return (type, scope => condition(scope).IsTrue ? whenTrue(scope) : whenFalse(scope));
    }

    private (ExprType, Func<TScope, Value>) BuildIn(InNode node, List<Symbol<TScope>> references)
    {
        var (operandType, operand) = Build(node.Operand, references);
        if (operandType is not (ExprType.Number or ExprType.Text or ExprType.Date or ExprType.Boolean))
        {
            throw new ExpressionException($"in 的左边应为单个值，实际为{operandType.ChineseName()}（多选字段请用 containsAny）", node.Operand.Start);
        }

        var items = new Func<TScope, Value>[node.Items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var (itemType, item) = Build(node.Items[i], references);
            Common(operandType, itemType, "in 的候选值", node.Items[i].Start);
            if (node.Items[i] is LiteralNode literal)
            {
                CheckCode(node.Operand, literal);
            }

            items[i] = item;
        }

        var negated = node.Negated;
        return (ExprType.Boolean, scope =>
        {
            var v = operand(scope);
            if (v.IsNull)
            {
                return Value.Null;
            }

            foreach (var item in items)
            {
                if (v.Equals(item(scope)))
                {
                    return Value.Boolean(!negated);
                }
            }

            return Value.Boolean(negated);
        });
    }

    private (ExprType, Func<TScope, Value>) BuildCall(CallNode call, List<Symbol<TScope>> references)
    {
        if (!Functions.All.TryGetValue(call.Function, out var function))
        {
            throw new ExpressionException($"未知的函数“{call.Function}”。可用函数：{string.Join("、", Functions.Names)}", call.Start);
        }

        var count = call.Arguments.Length;
        if (count < function.MinArgs || count > function.MaxArgs)
        {
            var wanted = function.MinArgs == function.MaxArgs ? $"{function.MinArgs}" : $"{function.MinArgs}～{function.MaxArgs}";
            throw new ExpressionException($"函数 {function.Signature} 需要 {wanted} 个参数，实际 {count} 个", call.Start);
        }

        if (function.IsSpecialForm)
        {
            return BuildSpecialForm(function, call, references);
        }

        var built = call.Arguments.Select(a => Build(a, references)).ToArray();
        ExprType type;
        try
        {
            type = function.TypeOf([.. built.Select(b => b.Type)]);
        }
        catch (FunctionTypeException e)
        {
            throw new ExpressionException(e.Message, call.Start);
        }

        if (function.Name is "contains" or "containsAny" && call.Arguments[0] is IdentifierNode listField)
        {
            var symbol = Resolve(listField);
            foreach (var literal in call.Arguments.Skip(1).OfType<LiteralNode>())
            {
                CheckCode(symbol, literal);
            }
        }

        var args = built.Select(b => b.Evaluate).ToArray();
        if (count == 1 && function.Unary is { } unary)
        {
            var a0 = args[0];
            return (type, scope => unary(a0(scope)));
        }

        if (count == 2 && function.Binary is { } binary)
        {
            var a0 = args[0];
            var a1 = args[1];
            return (type, scope => binary(a0(scope), a1(scope)));
        }

        var variadic = function.Variadic ?? throw new InvalidOperationException($"Function {function.Name} has no implementation for {count} arguments.");
        return (type, scope =>
        {
            var values = new Value[args.Length];
            for (var i = 0; i < args.Length; i++)
            {
                values[i] = args[i](scope);
            }

            return variadic(values);
        });
    }

    private (ExprType, Func<TScope, Value>) BuildSpecialForm(FunctionDescriptor function, CallNode call, List<Symbol<TScope>> references)
    {
        switch (function.Name)
        {
            case "today":
                return (ExprType.Date, scope => Value.Date(scope.Today));
            case "if":
                return BuildConditional(call.Arguments[0], call.Arguments[1], call.Arguments[2], call.Start, references);
            case "coalesce":
            {
                var built = call.Arguments.Select(a => Build(a, references)).ToArray();
                var type = built.Aggregate(ExprType.Null, (acc, b) => Common(acc, b.Type, "coalesce 的各个值", call.Start));
                var args = built.Select(b => b.Evaluate).ToArray();
                return (type, scope =>
                {
                    foreach (var arg in args)
                    {
                        var v = arg(scope);
                        if (!v.IsNull)
                        {
                            return v;
                        }
                    }

                    return Value.Null;
                });
            }

            case "optionScore" or "label":
            {
                if (call.Arguments[0] is not IdentifierNode identifier)
                {
                    throw new ExpressionException($"{function.Name} 的参数应为一个选项字段的名称", call.Arguments[0].Start);
                }

                var symbol = Resolve(identifier);
                var choice = symbol.Choice
                    ?? throw new ExpressionException($"“{symbol.Label}”不是单选字段，不能用于 {function.Name}", identifier.Start);
                references.Add(symbol);
                var read = symbol.Read;
                if (function.Name == "label")
                {
                    return (ExprType.Text, scope => choice.Labels.TryGetValue(read(scope), out var text) ? Value.Text(text) : Value.Null);
                }

                if (choice.Scores.Count == 0)
                {
                    throw new ExpressionException($"“{symbol.Label}”的选项没有设置分值（score）", identifier.Start);
                }

                return (ExprType.Number, scope => choice.Scores.TryGetValue(read(scope), out var score) ? Value.Number(score) : Value.Null);
            }

            default:
                throw new InvalidOperationException($"Special form {function.Name} is not built.");
        }
    }

    private static void RequireType(ExprType actual, ExprType expected, string what, int position)
    {
        if (!actual.Fits(expected))
        {
            throw new ExpressionException($"{what}应为{expected.ChineseName()}，实际为{actual.ChineseName()}", position);
        }
    }

    private static void RequireSame(ExprType left, ExprType right, BinaryNode binary)
    {
        if (left != right && left != ExprType.Null && right != ExprType.Null)
        {
            throw new ExpressionException($"{binary.Operator.Symbol()} 两边的类型不一致：{left.ChineseName()}与{right.ChineseName()}", binary.Start);
        }
    }

    private static ExprType Common(ExprType a, ExprType b, string what, int position)
    {
        try
        {
            return Functions.Common(a, b, what);
        }
        catch (FunctionTypeException e)
        {
            throw new ExpressionException(e.Message, position);
        }
    }
}
