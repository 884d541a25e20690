namespace Jiayi.Engine.Forms;

/// <summary>
/// One problem of a submission: where (a JSON pointer into the data, e.g. <c>/sbp</c> or
/// <c>/meds/0/drug_name</c>), a stable code (<c>required</c>, <c>maximum</c>, <c>rule:dbp_below_sbp</c>, …)
/// and a Chinese message that names the field.
/// </summary>
public sealed record ValidationError(string Path, string Code, string Message);

/// <summary>The stable error codes the engine itself produces; definition rules add <c>rule:&lt;key&gt;</c>.</summary>
public static class ErrorCodes
{
    public const string Required = "required";
    public const string Type = "type";
    public const string Minimum = "minimum";
    public const string Maximum = "maximum";
    public const string Enum = "enum";
    public const string Format = "format";
    public const string MaxLength = "maxLength";
    public const string Pattern = "pattern";
    public const string UniqueItems = "uniqueItems";
    public const string Exclusive = "exclusive";
    public const string MinItems = "minItems";
    public const string MaxItems = "maxItems";
    public const string UnknownField = "unknownField";
    public const string Calculation = "calculation";

    public static string Rule(string key) => "rule:" + key;
}

/// <summary>Collects errors for one evaluation; allocates nothing while the data is valid.</summary>
internal sealed class ErrorCollector
{
    private List<ValidationError>? _errors;

    public bool Any => _errors is { Count: > 0 };

    public int Count => _errors?.Count ?? 0;

    private FieldModel? _table;
    private int _row;

    /// <summary>
    /// While a table row is read, errors are reported inside it: paths relative to the row become
    /// "/meds/1/drug_name" and messages start "用药情况第 2 行：". Built only when an error occurs.
    /// </summary>
    public void EnterRow(FieldModel table, int row)
    {
        _table = table;
        _row = row;
    }

    public void LeaveRow() => _table = null;

    public void Add(string path, string code, string message)
    {
        if (_table is { } table)
        {
            path = $"{table.Path}/{_row}{path}";
            message = FormMessages.RowPrefix(table, _row) + message;
        }

        (_errors ??= []).Add(new ValidationError(path, code, message));
    }

    public bool HasErrorAt(string path) => _errors is not null && _errors.Exists(e => e.Path == path);

    public IReadOnlyList<ValidationError> ToList() => _errors ?? (IReadOnlyList<ValidationError>)[];
}
