namespace Jiayi.Engine.Expressions;

/// <summary>The static type of an expression, checked when a definition is compiled.</summary>
public enum ExprType : byte
{
    /// <summary>Only the literal <c>null</c>: fits any other type.</summary>
    Null = 0,
    Number,
    Text,
    Boolean,
    Date,
    NumberList,
    TextList,
    Rows,
}

/// <summary>Names of the expression types as configurators read them in error messages.</summary>
public static class ExprTypes
{
    public static string ChineseName(this ExprType type) => type switch
    {
        ExprType.Null => "空值",
        ExprType.Number => "数值",
        ExprType.Text => "文本",
        ExprType.Boolean => "是/否",
        ExprType.Date => "日期",
        ExprType.NumberList => "数值列表",
        ExprType.TextList => "文本列表",
        ExprType.Rows => "表格行",
        _ => type.ToString(),
    };

    public static bool IsList(this ExprType type) => type is ExprType.NumberList or ExprType.TextList;

    public static ExprType ElementType(this ExprType type) => type switch
    {
        ExprType.NumberList => ExprType.Number,
        ExprType.TextList => ExprType.Text,
        _ => ExprType.Null,
    };

    /// <summary>Whether a value of <paramref name="actual"/> may stand where <paramref name="expected"/> is wanted.</summary>
    public static bool Fits(this ExprType actual, ExprType expected) => actual == expected || actual == ExprType.Null;
}
