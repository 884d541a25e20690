using System.Xml.Linq;
using Jiayi.Engine.Workflows;

namespace Jiayi.Engine.Tests.Workflows;

public class WorkflowDiagramTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static CompiledWorkflow Small(string reviewName = "审核") => TestWorkflows.Load($$"""
        {
          "id": "diagram-test",
          "title": "图<示>",
          "subject": "contract",
          "initial": "draft",
          "states": [
            { "key": "draft", "name": "起草" },
            { "key": "review", "name": "{{reviewName}}" },
            { "key": "done", "name": "完成", "terminal": true }
          ],
          "transitions": [
            { "trigger": "submit", "label": "提交", "from": ["draft"], "to": "review", "roles": ["家庭医生"] },
            { "trigger": "rush", "label": "加急提交", "from": ["draft"], "to": "review", "roles": ["家庭医生"] },
            { "trigger": "approve", "label": "通过: 签字", "from": ["review"], "to": "done", "roles": ["机构管理员"] },
            { "trigger": "remind", "label": "提醒", "from": ["review"], "internal": true, "system": true },
            { "trigger": "send_back", "label": "退回", "from": ["review"], "to": "draft", "roles": ["机构管理员"] }
          ],
          "timers": [
            { "key": "remind", "label": "提醒", "at": "subject.end_date", "trigger": "remind" }
          ]
        }
        """);

    [Fact]
    public void Mermaid_text_lists_states_then_merged_edges_then_the_end_and_marks_the_current_state()
    {
        Assert.Equal(
            """
            stateDiagram-v2
              state "起草" as draft
              state "审核" as review
              state "完成" as done
              [*] --> draft
              draft --> review : 提交 / 加急提交
              review --> done : 通过： 签字
              review --> review : 提醒（定时）
              review --> draft : 退回
              done --> [*]
              classDef current fill:#1565c0,color:#fff,stroke:#0d47a1,stroke-width:2px
              class review current

            """,
            WorkflowDiagram.Mermaid(Small(), "review").ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Mermaid_text_without_a_known_current_state_has_no_highlight()
    {
        Assert.DoesNotContain("classDef", WorkflowDiagram.Mermaid(Small()), StringComparison.Ordinal);
        Assert.DoesNotContain("classDef", WorkflowDiagram.Mermaid(Small(), "ghost"), StringComparison.Ordinal);
    }

    [Fact]
    public void Mermaid_state_names_cannot_break_the_quotes()
    {
        Assert.Contains("state \"'急'审核\" as review", WorkflowDiagram.Mermaid(Small("\\\"急\\\"审核")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_svg_is_well_formed_with_one_group_per_state_and_the_current_one_highlighted()
    {
        var svg = XDocument.Parse(WorkflowDiagram.Svg(Small(), "review")).Root!;
        Assert.Equal(Svg + "svg", svg.Name);
        Assert.Equal("图<示>流程图", (string?)svg.Attribute("aria-label"));
        var states = svg.Elements(Svg + "g").Where(g => g.Attribute("data-state") is not null).ToList();
        Assert.Equal(["draft", "review", "done"], states.Select(g => (string)g.Attribute("data-state")!));
        Assert.Equal(["wf-state", "wf-state wf-current", "wf-state"], states.Select(g => (string)g.Attribute("class")!));
        Assert.Equal(["起草", "审核", "完成"], states.Select(g => g.Element(Svg + "text")!.Value));
        // One path per merged edge; the arrow from the start dot is a line.
        Assert.Equal(4, svg.Elements(Svg + "path").Count());
        Assert.Contains(svg.Elements(Svg + "text"), t => t.Value == "提交 / 加急提交");
    }

    [Fact]
    public void The_svg_escapes_names_and_labels()
    {
        var text = WorkflowDiagram.Svg(Small("<审&核>"), current: null);
        Assert.Contains(">&lt;审&amp;核&gt;</text>", text, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"图&lt;示&gt;流程图\"", text, StringComparison.Ordinal);
        var svg = XDocument.Parse(text).Root!;
        Assert.Equal("<审&核>", svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-state") == "review").Element(Svg + "text")!.Value);
        Assert.DoesNotContain(svg.Descendants(Svg + "g"), g => ((string?)g.Attribute("class"))?.Contains("wf-current", StringComparison.Ordinal) == true);
    }
}
