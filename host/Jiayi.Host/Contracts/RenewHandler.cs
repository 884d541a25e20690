using Jiayi.Data.Contracts;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Contracts;

/// <summary>
/// <c>contract.renew</c>: the next period of a contract (续约), linked to it, with the same team, doctor and
/// packages (which must still be published and valid). It starts the day after the current period ends, or
/// today when the contract has already expired, and runs the contract-renewal workflow.
/// </summary>
public sealed class RenewHandler(IServiceProvider services, Clock clock) : IWorkflowHandler
{
    public string Name => "contract.renew";

    public async Task InvokeAsync(WorkflowContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var db = context.Db;
        var contract = await db.Contracts.Include(c => c.Packages).SingleAsync(c => c.Id == context.Instance.SubjectId, cancellationToken);
        if (contract.RenewedById is not null)
        {
            throw new ProblemException(409, "already-renewed", "已续约", $"签约 {contract.Number} 已续约，不能重复续约");
        }

        var start = contract.EndDate < clock.Today ? clock.Today : contract.EndDate.AddDays(1);
        var input = new SignInput(
            contract.ResidentId,
            [.. contract.Packages.Select(p => p.PackageId)],
            contract.TeamId,
            contract.DoctorUserId,
            start,
            contract.Source,
            Signature: null,
            Photo: null,
            Latitude: null,
            Longitude: null,
            Populations: contract.Populations);
        var contracts = services.GetRequiredService<ContractService>();
        var (next, started) = await contracts.BuildAsync(db, me: null, context.Actor, input, ContractService.RenewalWorkflow, contract, cancellationToken);
        contract.RenewedById = next.Id;
        context.Touched.UnionWith(started.Touched);
        context.Results["contractId"] = next.Id;
        context.Results["number"] = next.Number;
        context.Results["startDate"] = next.StartDate;
        context.Results["endDate"] = next.EndDate;
    }
}
