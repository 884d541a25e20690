namespace Jiayi.Engine.Forms;

/// <summary>
/// Whether binding builds the answers' values or only checks them. The binder is generic over this
/// struct, so the JIT compiles each mode separately and folds <see cref="Materialize"/> away: checking
/// alone decodes no strings and builds no lists or rows, yet shares every line of the checks.
/// </summary>
internal interface IBindMode
{
    static abstract bool Materialize { get; }
}

internal struct MaterializeValues : IBindMode
{
    public static bool Materialize => true;
}

internal struct CheckOnly : IBindMode
{
    public static bool Materialize => false;
}
