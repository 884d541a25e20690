using System.Globalization;
using System.Net;
using System.Text;

namespace Jiayi.Engine.Workflows;

/// <summary>
/// Diagrams of a workflow, generated from the compiled definition: Mermaid text (for documents, the API and
/// anyone with a Mermaid renderer) and a self-contained SVG drawn here (for pages and print, without a
/// diagram library in the browser). Both can highlight the state an instance is in.
/// </summary>
public static class WorkflowDiagram
{
    private const int BoxWidth = 132;
    private const int BoxHeight = 40;
    private const int ColumnGap = 96;
    private const int RowGap = 44;
    private const int Margin = 36;

    /// <summary>A <c>stateDiagram-v2</c>; <paramref name="current"/> is given the class <c>current</c>.</summary>
    public static string Mermaid(CompiledWorkflow workflow, string? current = null)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var text = new StringBuilder();
        text.AppendLine("stateDiagram-v2");
        foreach (var state in workflow.States)
        {
            text.Append(CultureInfo.InvariantCulture, $"  state \"{Escape(state.Name)}\" as {state.Key}").AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"  [*] --> {workflow.Initial.Key}").AppendLine();
        foreach (var edge in Edges(workflow))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {edge.From} --> {edge.To} : {Escape(edge.Label)}").AppendLine();
        }

        foreach (var state in workflow.States.Where(s => s.Terminal))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {state.Key} --> [*]").AppendLine();
        }

        if (current is not null && workflow.StateByKey.ContainsKey(current))
        {
            text.AppendLine("  classDef current fill:#1565c0,color:#fff,stroke:#0d47a1,stroke-width:2px");
            text.Append(CultureInfo.InvariantCulture, $"  class {current} current").AppendLine();
        }

        return text.ToString();
    }

    /// <summary>An SVG of the states in columns by distance from the initial state, with labelled arrows.</summary>
    public static string Svg(CompiledWorkflow workflow, string? current = null)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var positions = Layout(workflow);
        var width = positions.Values.Max(p => p.X) + BoxWidth + Margin * 2;
        var height = positions.Values.Max(p => p.Y) + BoxHeight + Margin * 2;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"workflow-diagram\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Html(workflow.Title)}流程图\" font-family=\"Noto Sans CJK SC, Microsoft YaHei, sans-serif\" font-size=\"12\">");
        svg.Append("<defs><marker id=\"wf-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#607d8b\"/></marker></defs>");
        var start = positions[workflow.Initial.Key];
        svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Margin / 2}\" cy=\"{start.Y + BoxHeight / 2}\" r=\"7\" fill=\"#37474f\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin / 2 + 7}\" y1=\"{start.Y + BoxHeight / 2}\" x2=\"{start.X}\" y2=\"{start.Y + BoxHeight / 2}\" stroke=\"#607d8b\" marker-end=\"url(#wf-arrow)\"/>");
        var labels = new StringBuilder();
        var loopCount = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var edge in Edges(workflow))
        {
            var a = positions[edge.From];
            var b = positions[edge.To];
            string path;
            double lx, ly;
            if (edge.From == edge.To)
            {
                var n = loopCount[edge.From] = loopCount.GetValueOrDefault(edge.From) + 1;
                var lift = 18 + n * 10;
                path = $"M{a.X + BoxWidth - 30},{a.Y} C{a.X + BoxWidth - 30},{a.Y - lift} {a.X + BoxWidth + 10},{a.Y - lift} {a.X + BoxWidth},{a.Y + 8}";
                lx = a.X + BoxWidth - 4;
                ly = a.Y - lift + 6;
            }
            else if (b.X > a.X)
            {
                var (x1, y1, x2, y2) = (a.X + BoxWidth, a.Y + BoxHeight / 2.0, b.X, b.Y + BoxHeight / 2.0);
                path = $"M{x1},{y1} C{x1 + ColumnGap / 2.0},{y1} {x2 - ColumnGap / 2.0},{y2} {x2},{y2}";
                lx = (x1 + x2) / 2;
                ly = (y1 + y2) / 2 - 4;
            }
            else
            {
                // Back or sideways: leave from the bottom, arc below, come in from the bottom.
                var (x1, y1, x2, y2) = (a.X + BoxWidth / 2.0, a.Y + BoxHeight, b.X + BoxWidth / 2.0 + 14, b.Y + BoxHeight);
                var dip = Math.Max(y1, y2) + 30;
                path = $"M{x1},{y1} C{x1},{dip} {x2},{dip} {x2},{y2}";
                lx = (x1 + x2) / 2;
                ly = dip - 4;
            }

            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"#607d8b\" stroke-width=\"1.2\" marker-end=\"url(#wf-arrow)\"/>");
            labels.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx:0.#}\" y=\"{ly:0.#}\" text-anchor=\"middle\" fill=\"#37474f\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"4\">{Html(edge.Label)}</text>");
        }

        foreach (var state in workflow.States)
        {
            var p = positions[state.Key];
            var isCurrent = state.Key == current;
            var (fill, stroke, ink) = isCurrent ? ("#1565c0", "#0d47a1", "#fff") : state.Terminal ? ("#eceff1", "#90a4ae", "#37474f") : ("#fff", "#1e88e5", "#263238");
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"wf-state{(isCurrent ? " wf-current" : "")}\" data-state=\"{state.Key}\">");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{p.X}\" y=\"{p.Y}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"{(state.Terminal ? 4 : 18)}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{(isCurrent ? 2.5 : 1.2)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{p.X + BoxWidth / 2}\" y=\"{p.Y + BoxHeight / 2 + 4}\" text-anchor=\"middle\" fill=\"{ink}\" font-size=\"13\"{(isCurrent ? " font-weight=\"bold\"" : "")}>{Html(state.Name)}</text>");
            svg.Append("</g>");
        }

        svg.Append(labels);
        svg.Append("</svg>");
        return svg.ToString();
    }

    private sealed record Edge(string From, string To, string Label);

    /// <summary>One arrow per (from, to) pair, labels joined; internal transitions loop on their state.</summary>
    private static List<Edge> Edges(CompiledWorkflow workflow)
    {
        var edges = new List<(string From, string To, string Label)>();
        foreach (var t in workflow.Transitions)
        {
            foreach (var from in t.From)
            {
                edges.Add((from, t.To ?? from, t.System ? t.Label + "（定时）" : t.Label));
            }
        }

        return [.. edges.GroupBy(e => (e.From, e.To)).Select(g => new Edge(g.Key.From, g.Key.To, string.Join(" / ", g.Select(e => e.Label).Distinct())))];
    }

    private static Dictionary<string, (int X, int Y)> Layout(CompiledWorkflow workflow)
    {
        var depth = new Dictionary<string, int>(StringComparer.Ordinal) { [workflow.Initial.Key] = 0 };
        var queue = new Queue<string>([workflow.Initial.Key]);
        while (queue.TryDequeue(out var state))
        {
            foreach (var t in workflow.TransitionsFrom(state).Where(t => t.To is not null && t.To != state))
            {
                if (depth.TryAdd(t.To!, depth[state] + 1))
                {
                    queue.Enqueue(t.To!);
                }
            }
        }

        var positions = new Dictionary<string, (int X, int Y)>(StringComparer.Ordinal);
        foreach (var column in workflow.States.GroupBy(s => depth.GetValueOrDefault(s.Key, depth.Values.DefaultIfEmpty(0).Max() + 1)))
        {
            var row = 0;
            foreach (var state in column)
            {
                positions[state.Key] = (Margin + column.Key * (BoxWidth + ColumnGap), Margin + 20 + row++ * (BoxHeight + RowGap));
            }
        }

        return positions;
    }

    private static string Escape(string text) => text.Replace("\"", "'", StringComparison.Ordinal).Replace(":", "：", StringComparison.Ordinal);

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
