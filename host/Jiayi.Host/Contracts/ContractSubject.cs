using Jiayi.Data;
using Jiayi.Data.Contracts;
using Jiayi.Data.Workflows;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Workflows;
using Jiayi.Host.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Contracts;

/// <summary>
/// A contract as a workflow subject: its attributes for expressions (subject.team_id, subject.end_date …),
/// and what each step changes in it (status, open or closed, termination reason and date).
/// </summary>
public sealed class ContractSubject : IWorkflowSubject
{
    public const string Type = "contract";

    public string SubjectType => Type;

    public string Link(Guid subjectId) => $"/contracts/{subjectId}";

    public async Task<Value[]?> LoadAsync(JiayiDbContext db, Guid subjectId, CancellationToken cancellationToken)
    {
        var contract = db.Contracts.Local.FirstOrDefault(c => c.Id == subjectId)
            ?? await db.Contracts.Include(c => c.Packages).SingleOrDefaultAsync(c => c.Id == subjectId, cancellationToken);
        if (contract is null)
        {
            return null;
        }

        var parent = await db.Organizations.Where(o => o.Id == contract.InstitutionId).Select(o => o.ParentId).SingleOrDefaultAsync(cancellationToken);
        return Values(contract, parent);
    }

    public static Value[] Values(Contract contract, Guid? parentOrgId) => WorkflowSubjects.Contract.ValuesFrom(new Dictionary<string, Value>
    {
        ["number"] = Value.Text(contract.Number),
        ["resident_id"] = Value.Text(contract.ResidentId.ToString()),
        ["resident_name"] = Value.Text(contract.ResidentName),
        ["team_id"] = Value.Text(contract.TeamId.ToString()),
        ["team_name"] = Value.Text(contract.TeamName),
        ["institution_id"] = Value.Text(contract.InstitutionId.ToString()),
        ["institution_name"] = Value.Text(contract.InstitutionName),
        ["parent_org_id"] = Value.Text(parentOrgId?.ToString()),
        ["doctor_id"] = Value.Text(contract.DoctorUserId?.ToString()),
        ["doctor_name"] = Value.Text(contract.DoctorName),
        ["start_date"] = Value.Date(contract.StartDate),
        ["end_date"] = Value.Date(contract.EndDate),
        ["source"] = Value.Text(ContractSources.Names.GetValueOrDefault(contract.Source, contract.Source)),
        ["package_names"] = Value.Text(string.Join("、", contract.Packages.Select(p => p.PackageName))),
        ["renewed"] = Value.Boolean(contract.RenewedById is not null),
    });

    public async Task OnStepAsync(WorkflowContext context, CancellationToken cancellationToken)
    {
        var instance = context.Instance;
        var contract = context.Db.Contracts.Local.FirstOrDefault(c => c.Id == instance.SubjectId)
            ?? await context.Db.Contracts.SingleAsync(c => c.Id == instance.SubjectId, cancellationToken);
        var state = context.Workflow.StateByKey[instance.State];
        contract.State = state.Key;
        contract.Status = state.Name;
        contract.IsOpen = instance.IsOpen;
        contract.InstanceId = instance.Id;
        contract.UpdatedAt = DateTime.UtcNow;
        // A termination form (definitions/forms/contract-termination.json) gives the reason and the date.
        if (context.Form is { } form && form.Form.Fields.Any(f => f.Key == "reason") && form.Form.Fields.Any(f => f.Key == "terminate_date"))
        {
            var reason = form.Form.Field("reason");
            var code = form.Value(reason);
            var label = reason.Choice?.Labels.GetValueOrDefault(code) ?? code.ToString();
            var other = form.Form.Fields.Any(f => f.Key == "reason_other") ? form.Value("reason_other") : Value.Null;
            contract.TerminationReason = other.Kind == ValueKind.Text && other.AsText.Length > 0 ? $"{code} {label}：{other.AsText}" : $"{code} {label}";
            contract.TerminatedOn = form.Value("terminate_date") is { Kind: ValueKind.Date } date ? date.AsDate : null;
        }
    }
}
