namespace Jiayi.Engine.Expressions;

internal enum TokenKind
{
    End,
    Number,
    String,
    Date,
    Identifier,
    BracketIdentifier,
    True,
    False,
    Null,
    And,
    Or,
    Not,
    In,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Question,
    Colon,
    Comma,
    Dot,
    OpenParen,
    CloseParen,
}

internal readonly record struct Token(TokenKind Kind, int Start, int Length, string? Text = null, decimal Number = 0m, DateOnly Date = default);
