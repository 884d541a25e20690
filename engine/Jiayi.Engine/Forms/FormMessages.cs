namespace Jiayi.Engine.Forms;

/// <summary>
/// The Chinese messages of the engine's own checks, each naming the field. Kept in one place so that
/// wording stays consistent across web, apps and API.
/// </summary>
internal static class FormMessages
{
    public static string Required(FieldModel field) => field.Type.Key switch
    {
        "choice" or "multi-choice" => $"请选择{field.Label}",
        "table" => $"请至少填写一行{field.Label}",
        _ => $"请填写{field.Label}",
    };

    public static string Type(FieldModel field) => $"{field.Label}应为{field.Type.ValueDescription}";

    public static string Minimum(FieldModel field, decimal min) => $"{field.Label}不能小于 {field.WithUnit(min)}";

    public static string Maximum(FieldModel field, decimal max) => $"{field.Label}不能大于 {field.WithUnit(max)}";

    public static string Enum(FieldModel field) =>
        $"{field.Label}的取值无效，可选：{string.Join("、", field.Options.Select(o => $"{o.Code} {o.Label}"))}";

    public static string Date(FieldModel field) => $"{field.Label}应为有效日期，格式 yyyy-MM-dd";

    public static string MaxLength(FieldModel field) => $"{field.Label}不能超过 {field.MaxLength} 个字";

    public static string NulCharacter(FieldModel field) => $"{field.Label}含有不允许的空字符（U+0000）";

    public static string Unique(FieldModel field) => $"{field.Label}中有重复的选项";

    public static string Exclusive(FieldModel field, OptionModel option) => $"{field.Label}选择“{option.Label}”时不能再选其他项";

    public static string MinRows(FieldModel field, int min) => $"{field.Label}至少需要 {min} 行";

    public static string MaxRows(FieldModel field, int max) => $"{field.Label}最多 {max} 行";

    public static string UnknownField(string name) => $"未知字段“{name}”：此表单没有这个字段";

    public static string NotAnObject(string? what) => what is null ? "数据应为 JSON 对象" : $"{what}应为 JSON 对象";

    public static string InRow(FieldModel table, int row, string message) => RowPrefix(table, row) + message;

    public static string RowPrefix(FieldModel table, int row) => $"{table.Label}第 {row + 1} 行：";

    public static string CalculatedOutOfRange(FieldModel field, decimal value) =>
        $"{field.Label}计算结果为 {field.WithUnit(value)}，超出合理范围（{FieldModel.Format(field.Min ?? value)}～{FieldModel.Format(field.Max ?? value)}），请检查相关数据";
}

/// <summary>A field's fixed messages, built once per compiled field rather than on every error.</summary>
internal sealed class FieldMessages(FieldModel field)
{
    public string Required { get; } = FormMessages.Required(field);

    public string Type { get; } = FormMessages.Type(field);

    public string Enum { get; } = field.Options.IsEmpty ? "" : FormMessages.Enum(field);

    public string Minimum { get; } = field.Min is { } min ? FormMessages.Minimum(field, min) : "";

    public string Maximum { get; } = field.Max is { } max ? FormMessages.Maximum(field, max) : "";

    public string Date { get; } = FormMessages.Date(field);

    public string MaxLength { get; } = FormMessages.MaxLength(field);

    public string Unique { get; } = FormMessages.Unique(field);

    public string Nul { get; } = FormMessages.NulCharacter(field);
}
