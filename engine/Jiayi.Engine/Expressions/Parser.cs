using System.Collections.Immutable;

namespace Jiayi.Engine.Expressions;

/// <summary>
/// Parses NCalc-syntax expressions into an immutable tree. Precedence, lowest first:
/// <c>?:</c>, <c>or ||</c>, <c>and &amp;&amp;</c>, <c>== = != &lt;&gt;</c>, <c>&lt; &lt;= &gt; &gt;= in</c>,
/// <c>+ -</c>, <c>* / %</c>, unary <c>not ! -</c>.
/// </summary>
public static class Parser
{
    /// <summary>Longest expression accepted; definitions are hand-written, not generated.</summary>
    public const int MaxLength = 4000;

    private const int MaxDepth = 64;

    public static ExprNode Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Length > MaxLength)
        {
            throw new ExpressionException($"表达式过长（{source.Length} 个字符，最多 {MaxLength} 个）", 0);
        }

        if (string.IsNullOrWhiteSpace(source))
        {
            throw new ExpressionException("表达式为空", 0);
        }

        var state = new State(Lexer.Tokenize(source));
        var node = state.ParseExpression(0);
        var end = state.Peek;
        if (end.Kind != TokenKind.End)
        {
            throw new ExpressionException($"多余的内容“{source.Substring(end.Start, end.Length)}”，是否缺少运算符？", end.Start);
        }

        return node;
    }

    private sealed class State(List<Token> tokens)
    {
        private int _index;

        public Token Peek => tokens[_index];

        private Token Next() => tokens[_index++];

        private bool Accept(TokenKind kind)
        {
            if (Peek.Kind != kind)
            {
                return false;
            }

            _index++;
            return true;
        }

        private Token Expect(TokenKind kind, string what)
        {
            if (Peek.Kind != kind)
            {
                throw new ExpressionException($"此处应为{what}", Peek.Start);
            }

            return Next();
        }

        private static void Guard(int depth, int position)
        {
            if (depth > MaxDepth)
            {
                throw new ExpressionException($"表达式嵌套过深（最多 {MaxDepth} 层）", position);
            }
        }

        public ExprNode ParseExpression(int depth)
        {
            Guard(depth, Peek.Start);
            var condition = ParseOr(depth);
            if (!Accept(TokenKind.Question))
            {
                return condition;
            }

            var whenTrue = ParseExpression(depth + 1);
            Expect(TokenKind.Colon, "冒号 :（条件 ? 值1 : 值2）");
            var whenFalse = ParseExpression(depth + 1);
            return new ConditionalNode(condition, whenTrue, whenFalse, condition.Start, End(whenFalse) - condition.Start);
        }

        private ExprNode ParseOr(int depth)
        {
            var left = ParseAnd(depth);
            while (Accept(TokenKind.Or))
            {
                var right = ParseAnd(depth);
                left = Binary(BinaryOperator.Or, left, right);
            }

            return left;
        }

        private ExprNode ParseAnd(int depth)
        {
            var left = ParseEquality(depth);
            while (Accept(TokenKind.And))
            {
                var right = ParseEquality(depth);
                left = Binary(BinaryOperator.And, left, right);
            }

            return left;
        }

        private ExprNode ParseEquality(int depth)
        {
            var left = ParseRelational(depth);
            while (true)
            {
                BinaryOperator? op = Peek.Kind switch
                {
                    TokenKind.Equal => BinaryOperator.Equal,
                    TokenKind.NotEqual => BinaryOperator.NotEqual,
                    _ => null,
                };
                if (op is null)
                {
                    return left;
                }

                Next();
                left = Binary(op.Value, left, ParseRelational(depth));
            }
        }

        private ExprNode ParseRelational(int depth)
        {
            var left = ParseAdditive(depth);
            while (true)
            {
                if (Peek.Kind == TokenKind.In || (Peek.Kind == TokenKind.Not && tokens[_index + 1].Kind == TokenKind.In))
                {
                    var negated = Accept(TokenKind.Not);
                    Next();
                    left = ParseInList(left, negated, depth);
                    continue;
                }

                BinaryOperator? op = Peek.Kind switch
                {
                    TokenKind.Less => BinaryOperator.Less,
                    TokenKind.LessOrEqual => BinaryOperator.LessOrEqual,
                    TokenKind.Greater => BinaryOperator.Greater,
                    TokenKind.GreaterOrEqual => BinaryOperator.GreaterOrEqual,
                    _ => null,
                };
                if (op is null)
                {
                    return left;
                }

                Next();
                left = Binary(op.Value, left, ParseAdditive(depth));
            }
        }

        private InNode ParseInList(ExprNode operand, bool negated, int depth)
        {
            Expect(TokenKind.OpenParen, "左括号 (（in 后跟候选值列表，如 x in (1, 2)）");
            var items = ImmutableArray.CreateBuilder<ExprNode>();
            do
            {
                items.Add(ParseExpression(depth + 1));
            }
            while (Accept(TokenKind.Comma));

            var close = Expect(TokenKind.CloseParen, "右括号 )");
            return new InNode(operand, items.ToImmutable(), negated, operand.Start, close.Start + 1 - operand.Start);
        }

        private ExprNode ParseAdditive(int depth)
        {
            var left = ParseMultiplicative(depth);
            while (true)
            {
                BinaryOperator? op = Peek.Kind switch
                {
                    TokenKind.Plus => BinaryOperator.Add,
                    TokenKind.Minus => BinaryOperator.Subtract,
                    _ => null,
                };
                if (op is null)
                {
                    return left;
                }

                Next();
                left = Binary(op.Value, left, ParseMultiplicative(depth));
            }
        }

        private ExprNode ParseMultiplicative(int depth)
        {
            var left = ParseUnary(depth);
            while (true)
            {
                BinaryOperator? op = Peek.Kind switch
                {
                    TokenKind.Star => BinaryOperator.Multiply,
                    TokenKind.Slash => BinaryOperator.Divide,
                    TokenKind.Percent => BinaryOperator.Modulo,
                    _ => null,
                };
                if (op is null)
                {
                    return left;
                }

                Next();
                left = Binary(op.Value, left, ParseUnary(depth));
            }
        }

        private ExprNode ParseUnary(int depth)
        {
            Guard(depth, Peek.Start);
            var token = Peek;
            if (token.Kind == TokenKind.Not)
            {
                Next();
                var operand = ParseUnary(depth + 1);
                return new UnaryNode(UnaryOperator.Not, operand, token.Start, End(operand) - token.Start);
            }

            if (token.Kind == TokenKind.Minus)
            {
                Next();
                var operand = ParseUnary(depth + 1);
                if (operand is LiteralNode { Value.Kind: ValueKind.Number } literal)
                {
                    return new LiteralNode(Value.Number(-literal.Value.AsNumber), token.Start, End(operand) - token.Start);
                }

                return new UnaryNode(UnaryOperator.Negate, operand, token.Start, End(operand) - token.Start);
            }

            return ParsePrimary(depth);
        }

        private ExprNode ParsePrimary(int depth)
        {
            var token = Next();
            switch (token.Kind)
            {
                case TokenKind.Number:
                    return new LiteralNode(Value.Number(token.Number), token.Start, token.Length);
                case TokenKind.String:
                    return new LiteralNode(Value.Text(token.Text), token.Start, token.Length);
                case TokenKind.Date:
                    return new LiteralNode(Value.Date(token.Date), token.Start, token.Length);
                case TokenKind.True:
                    return new LiteralNode(Value.True, token.Start, token.Length);
                case TokenKind.False:
                    return new LiteralNode(Value.False, token.Start, token.Length);
                case TokenKind.Null:
                    return new LiteralNode(Value.Null, token.Start, token.Length);
                case TokenKind.BracketIdentifier:
                    if (string.IsNullOrEmpty(token.Text))
                    {
                        throw new ExpressionException("方括号中缺少名称", token.Start);
                    }

                    return new IdentifierNode(token.Text, token.Start, token.Length);
                case TokenKind.Identifier:
                    return Peek.Kind == TokenKind.OpenParen ? ParseCall(token, depth) : ParseDotted(token);
                case TokenKind.OpenParen:
                    var inner = ParseExpression(depth + 1);
                    Expect(TokenKind.CloseParen, "右括号 )");
                    return inner;
                case TokenKind.End:
                    throw new ExpressionException("表达式不完整", token.Start);
                default:
                    throw new ExpressionException("此处应为值、名称或函数", token.Start);
            }
        }

        private IdentifierNode ParseDotted(Token first)
        {
            var name = first.Text!;
            var end = first.Start + first.Length;
            while (Peek.Kind == TokenKind.Dot)
            {
                Next();
                var part = Expect(TokenKind.Identifier, "点号后的名称");
                name += "." + part.Text;
                end = part.Start + part.Length;
            }

            return new IdentifierNode(name, first.Start, end - first.Start);
        }

        private CallNode ParseCall(Token name, int depth)
        {
            Next();
            var args = ImmutableArray.CreateBuilder<ExprNode>();
            if (Peek.Kind != TokenKind.CloseParen)
            {
                do
                {
                    args.Add(ParseExpression(depth + 1));
                }
                while (Accept(TokenKind.Comma));
            }

            var close = Expect(TokenKind.CloseParen, $"右括号 )（函数 {name.Text} 的参数列表）");
            return new CallNode(name.Text!, args.ToImmutable(), name.Start, close.Start + 1 - name.Start);
        }

        private static BinaryNode Binary(BinaryOperator op, ExprNode left, ExprNode right) =>
            new(op, left, right, left.Start, End(right) - left.Start);

        private static int End(ExprNode node) => node.Start + node.Length;
    }
}
