using System.Globalization;
using System.Text;

namespace Jiayi.Engine.Expressions;

/// <summary>Splits expression text (NCalc syntax) into tokens.</summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string source)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < source.Length && char.IsWhiteSpace(source[i]))
            {
                i++;
            }

            if (i >= source.Length)
            {
                tokens.Add(new Token(TokenKind.End, source.Length, 0));
                return tokens;
            }

            var c = source[i];
            var start = i;
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < source.Length && char.IsAsciiDigit(source[i + 1])))
            {
                while (i < source.Length && (char.IsAsciiDigit(source[i]) || source[i] == '.'))
                {
                    i++;
                }

                var text = source[start..i];
                if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                {
                    throw new ExpressionException($"无法识别的数字“{text}”", start);
                }

                tokens.Add(new Token(TokenKind.Number, start, i - start, Number: number));
                continue;
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < source.Length && (char.IsAsciiLetterOrDigit(source[i]) || source[i] == '_'))
                {
                    i++;
                }

                var word = source[start..i];
                tokens.Add(new Token(Keyword(word), start, i - start, word));
                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    i = ReadString(source, i, tokens);
                    continue;
                case '#':
                    i = ReadDate(source, i, tokens);
                    continue;
                case '[':
                    var close = source.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        throw new ExpressionException("方括号 [ 没有对应的 ]", i);
                    }

                    tokens.Add(new Token(TokenKind.BracketIdentifier, i, close - i + 1, source[(i + 1)..close].Trim()));
                    i = close + 1;
                    continue;
            }

            var (kind, length) = Operator(source, i);
            if (kind == TokenKind.End)
            {
                throw new ExpressionException($"无法识别的字符“{c}”", i);
            }

            tokens.Add(new Token(kind, i, length));
            i += length;
        }
    }

    private static TokenKind Keyword(string word) => word.ToUpperInvariant() switch
    {
        "TRUE" => TokenKind.True,
        "FALSE" => TokenKind.False,
        "NULL" => TokenKind.Null,
        "AND" => TokenKind.And,
        "OR" => TokenKind.Or,
        "NOT" => TokenKind.Not,
        "IN" => TokenKind.In,
        _ => TokenKind.Identifier,
    };

    private static (TokenKind Kind, int Length) Operator(string s, int i)
    {
        var next = i + 1 < s.Length ? s[i + 1] : '\0';
        return s[i] switch
        {
            '+' => (TokenKind.Plus, 1),
            '-' => (TokenKind.Minus, 1),
            '*' => (TokenKind.Star, 1),
            '/' => (TokenKind.Slash, 1),
            '%' => (TokenKind.Percent, 1),
            '?' => (TokenKind.Question, 1),
            ':' => (TokenKind.Colon, 1),
            ',' => (TokenKind.Comma, 1),
            '.' => (TokenKind.Dot, 1),
            '(' => (TokenKind.OpenParen, 1),
            ')' => (TokenKind.CloseParen, 1),
            '=' => next == '=' ? (TokenKind.Equal, 2) : (TokenKind.Equal, 1),
            '!' => next == '=' ? (TokenKind.NotEqual, 2) : (TokenKind.Not, 1),
            '<' => next switch
            {
                '=' => (TokenKind.LessOrEqual, 2),
                '>' => (TokenKind.NotEqual, 2),
                _ => (TokenKind.Less, 1),
            },
            '>' => next == '=' ? (TokenKind.GreaterOrEqual, 2) : (TokenKind.Greater, 1),
            '&' when next == '&' => (TokenKind.And, 2),
            '|' when next == '|' => (TokenKind.Or, 2),
            _ => (TokenKind.End, 0),
        };
    }

    private static int ReadString(string source, int start, List<Token> tokens)
    {
        var quote = source[start];
        var builder = new StringBuilder();
        var i = start + 1;
        while (i < source.Length && source[i] != quote)
        {
            if (source[i] == '\\' && i + 1 < source.Length)
            {
                i++;
                builder.Append(source[i] switch
                {
                    'n' => '\n',
                    't' => '\t',
                    var other => other,
                });
            }
            else
            {
                builder.Append(source[i]);
            }

            i++;
        }

        if (i >= source.Length)
        {
            throw new ExpressionException("字符串缺少结尾的引号", start);
        }

        tokens.Add(new Token(TokenKind.String, start, i - start + 1, builder.ToString()));
        return i + 1;
    }

    private static int ReadDate(string source, int start, List<Token> tokens)
    {
        var close = source.IndexOf('#', start + 1);
        if (close < 0)
        {
            throw new ExpressionException("日期常量缺少结尾的 #（格式 #yyyy-MM-dd#）", start);
        }

        var text = source[(start + 1)..close];
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new ExpressionException($"日期常量“{text}”无效，格式应为 #yyyy-MM-dd#", start);
        }

        tokens.Add(new Token(TokenKind.Date, start, close - start + 1, text, Date: date));
        return close + 1;
    }
}
