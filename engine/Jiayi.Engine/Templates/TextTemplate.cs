using System.Globalization;
using Scriban;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Jiayi.Engine.Templates;

/// <summary>
/// A Scriban template from a definition (work-item titles, notifications, agreement texts), parsed once.
/// Rendering is plain text: the page escapes it when showing it. Names a template may read are checked
/// when it is loaded: members of the model's objects (<c>subject.x</c>) anywhere in the template, and the
/// rest by rendering it once against a model with every allowed name present.
/// </summary>
public sealed class TextTemplate
{
    private readonly Template _template;

    private TextTemplate(string source, Template template)
    {
        Source = source;
        _template = template;
    }

    public string Source { get; }

    /// <summary>Parses a template; the error (Chinese, with line and column) is null when it is fine.</summary>
    public static TextTemplate? TryParse(string text, IReadOnlyDictionary<string, object?> sampleModel, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var template = Template.Parse(text);
        if (template.HasErrors)
        {
            error = "模板语法有误：" + string.Join("；", template.Messages.Select(m => $"第 {m.Span.Start.Line + 1} 行第 {m.Span.Start.Column + 1} 列 {m.Message}"));
            return null;
        }

        if (UnknownMember(template.Page, sampleModel) is { } unknown)
        {
            error = "模板无法使用：" + unknown;
            return null;
        }

        var parsed = new TextTemplate(text, template);
        try
        {
            parsed.Render(sampleModel, strict: true);
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            error = $"模板无法使用：{e.OriginalMessage}（第 {e.Span.Start.Line + 1} 行第 {e.Span.Start.Column + 1} 列）";
            return null;
        }

        error = null;
        return parsed;
    }

    /// <summary>Renders with a model of nested dictionaries; unknown names render empty unless <paramref name="strict"/>.</summary>
    public string Render(IReadOnlyDictionary<string, object?> model, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var globals = new ScriptObject();
        foreach (var (key, value) in model)
        {
            globals[key] = Wrap(value);
        }

        var context = new TemplateContext
        {
            StrictVariables = strict,
            EnableRelaxedMemberAccess = !strict,
            LoopLimit = 1000,
            RecursiveLimit = 20,
            LimitToString = 100_000,
        };
        context.PushCulture(CultureInfo.GetCultureInfo("zh-CN"));
        context.PushGlobal(globals);
        return _template.Render(context);
    }

    /// <summary>
    /// The first <c>root.member</c> whose root is an object of the model without that member, described. The
    /// sample render alone would miss names in branches the sample values do not take (<c>{{ if subject.renewed }}</c>).
    /// </summary>
    private static string? UnknownMember(ScriptNode? node, IReadOnlyDictionary<string, object?> model)
    {
        if (node is ScriptMemberExpression { Target: ScriptVariableGlobal { Name: { } root }, Member: { Name: { } name } } member
            && model.GetValueOrDefault(root) is IReadOnlyDictionary<string, object?> members
            && !members.ContainsKey(name))
        {
            return $"未知的名称“{root}.{name}”（第 {member.Span.Start.Line + 1} 行第 {member.Span.Start.Column + 1} 列），"
                + $"可用的名称：{string.Join("、", members.Keys.Select(k => root + "." + k))}";
        }

        foreach (var child in node?.Children ?? [])
        {
            if (UnknownMember(child, model) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static object? Wrap(object? value)
    {
        if (value is IReadOnlyDictionary<string, object?> nested)
        {
            var child = new ScriptObject();
            foreach (var (key, item) in nested)
            {
                child[key] = Wrap(item);
            }

            return child;
        }

        if (value is not string && value is IEnumerable<object?> list)
        {
            var array = new ScriptArray();
            foreach (var item in list)
            {
                array.Add(Wrap(item));
            }

            return array;
        }

        return value;
    }
}
