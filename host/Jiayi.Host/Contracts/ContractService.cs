using System.Security.Cryptography;
using Jiayi.Data;
using Jiayi.Data.Contracts;
using Jiayi.Data.Files;
using Jiayi.Data.Organizations;
using Jiayi.Data.Residents;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Workflows;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Parameters;
using Jiayi.Host.Residents;
using Jiayi.Host.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Contracts;

/// <summary>A signing as asked for by a doctor (with signature, photo, location) or a resident (a request to be reviewed).</summary>
public sealed record SignInput(
    Guid ResidentId,
    IReadOnlyList<Guid> PackageIds,
    Guid? TeamId,
    Guid? DoctorUserId,
    DateOnly? StartDate,
    string Source,
    ImageInput? Signature,
    ImageInput? Photo,
    double? Latitude,
    double? Longitude,
    IReadOnlyList<string>? Populations);

/// <summary>An image sent inline (base64 or a data URL), already decoded and checked.</summary>
public sealed record ImageInput(string ContentType, byte[] Content);

/// <summary>What a signing started.</summary>
public sealed record SignResult(Guid Id, string Number, Guid InstanceId, string Status, string State, DateOnly StartDate, DateOnly EndDate);

/// <summary>A member of a household that was not signed, and why.</summary>
public sealed record SkippedMember(Guid ResidentId, string Name, string Reason);

/// <summary>What a household signing did: one contract per member, and the members left out.</summary>
public sealed record HouseholdSignResult(IReadOnlyList<SignResult> Contracts, IReadOnlyList<SkippedMember> Skipped);

/// <summary>
/// Signing (签约): the rules every new contract passes — resident and team in scope, packages published and
/// valid and available to the team, one open contract per resident per period — then the contract, its
/// frozen agreement text, its files and its workflow instance, saved together.
/// </summary>
public sealed class ContractService(
    IDbContextFactory<JiayiDbContext> databases,
    WorkflowRuntime workflows,
    AgreementTemplates agreements,
    SystemParameters parameters,
    Clock clock)
{
    public const string RequestWorkflow = "contract-request";
    public const string DoctorWorkflow = "contract-doctor";
    public const string RenewalWorkflow = "contract-renewal";

    /// <summary>A doctor signs a resident on the spot: the resident's signature is required; the contract is effective at once (per the workflow).</summary>
    public async Task<SignResult> SignAsync(AccessInfo me, SignInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Signature is null)
        {
            throw ProblemException.Invalid("/signature", ErrorCodes.Required, "医生签约须有居民在屏幕上的签字（signature）");
        }

        return await CreateAsync(me, input, DoctorWorkflow, previous: null, cancellationToken);
    }

    /// <summary>
    /// Signs a whole household (家庭签约): one contract per member in the caller's scope, each on its own
    /// workflow, all saved together or none. Members who already hold an open contract in the period are left
    /// out and named; when nobody is left the answer is 409.
    /// </summary>
    public async Task<HouseholdSignResult> SignHouseholdAsync(AccessInfo me, Guid householdId, SignInput template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(me);
        ArgumentNullException.ThrowIfNull(template);
        var doctorInitiated = template.Source != ContractSources.ResidentApp;
        if (doctorInitiated && template.Signature is null)
        {
            throw ProblemException.Invalid("/signature", ErrorCodes.Required, "医生签约须有居民（户主或家庭成员）在屏幕上的签字（signature）");
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var actor = await WorkflowActors.ForUserAsync(db, me.UserId, cancellationToken)
            ?? throw new ProblemException(403, "forbidden", "没有权限", "当前账号已停用");
        var scope = me.ScopePath;
        var members = await db.Residents.AsNoTracking()
            .Where(r => r.HouseholdId == householdId && r.OrgPath.StartsWith(scope))
            .OrderBy(r => r.RelationToHead == "户主" ? 0 : 1).ThenBy(r => r.BirthDate)
            .Select(r => new { r.Id, r.Name })
            .ToListAsync(cancellationToken);
        if (members.Count == 0)
        {
            throw ProblemException.Invalid("/householdId", "not-found", $"家庭“{householdId}”不存在、没有成员或不在您的管辖范围内");
        }

        var start = template.StartDate ?? clock.Today;
        var signed = new List<Contract>();
        var skipped = new List<SkippedMember>();
        var touched = new HashSet<Guid>();
        foreach (var member in members)
        {
            var open = await db.Contracts.AsNoTracking()
                .Where(c => c.ResidentId == member.Id && c.IsOpen && c.EndDate >= start)
                .Select(c => new { c.Status, c.TeamName }).FirstOrDefaultAsync(cancellationToken);
            if (open is not null)
            {
                skipped.Add(new SkippedMember(member.Id, member.Name, $"已与{open.TeamName}签约（{open.Status}）"));
                continue;
            }

            var (contract, context) = await BuildAsync(db, me, actor.Actor, template with { ResidentId = member.Id }, doctorInitiated ? DoctorWorkflow : RequestWorkflow, previous: null, cancellationToken);
            signed.Add(contract);
            touched.UnionWith(context.Touched);
        }

        if (signed.Count == 0)
        {
            throw new ProblemException(409, "contract-exists", "已有签约", "该家庭的成员在本周期都已签约：" + string.Join("；", skipped.Select(s => $"{s.Name} {s.Reason}")));
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ProblemException(409, "conflict", "签约冲突", "该家庭成员的签约正在由他人办理，请刷新后再试");
        }

        await workflows.PushAsync(touched, cancellationToken);
        return new HouseholdSignResult([.. signed.Select(c => new SignResult(c.Id, c.Number, c.InstanceId, c.Status, c.State, c.StartDate, c.EndDate))], skipped);
    }

    /// <summary>A resident asks to sign (resident app); the team's doctor reviews first.</summary>
    public Task<SignResult> RequestAsync(AccessInfo me, SignInput input, CancellationToken cancellationToken) =>
        CreateAsync(me, input, RequestWorkflow, previous: null, cancellationToken);

    /// <summary>
    /// Enters a contract signed earlier on paper (补录), whose period may have begun in the past; only the demo
    /// seeding uses it so far. Timers then catch up: a period already ended expires at the next sweep.
    /// </summary>
    internal Task<SignResult> BackfillAsync(AccessInfo me, SignInput input, CancellationToken cancellationToken) =>
        CreateAsync(me, input, DoctorWorkflow, previous: null, cancellationToken, backdated: true);

    private async Task<SignResult> CreateAsync(AccessInfo me, SignInput input, string workflowId, Contract? previous, CancellationToken cancellationToken, bool backdated = false)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var actor = await WorkflowActors.ForUserAsync(db, me.UserId, cancellationToken)
            ?? throw new ProblemException(403, "forbidden", "没有权限", "当前账号已停用");
        var (contract, context) = await BuildAsync(db, me, actor.Actor, input, workflowId, previous, cancellationToken, backdated);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ProblemException(409, "conflict", "签约冲突", "该居民的签约正在由他人办理，请刷新后再试");
        }

        await workflows.PushAsync(context, cancellationToken);
        return new SignResult(contract.Id, contract.Number, contract.InstanceId, contract.Status, contract.State, contract.StartDate, contract.EndDate);
    }

    /// <summary>
    /// Checks and adds a new contract with its workflow instance to <paramref name="db"/> (not saved). Used for
    /// new signings and, by the renewal handler, for the next period of a contract inside a fire.
    /// </summary>
    internal async Task<(Contract Contract, WorkflowContext Context)> BuildAsync(JiayiDbContext db, AccessInfo? me, WorkflowActor actor, SignInput input, string workflowId, Contract? previous, CancellationToken cancellationToken, bool backdated = false)
    {
        var errors = new List<ValidationError>();
        var today = clock.Today;
        var resident = await db.Residents.SingleOrDefaultAsync(r => r.Id == input.ResidentId, cancellationToken);
        if (resident is null || (me is not null && !me.InScope(resident.OrgPath)))
        {
            throw ProblemException.Invalid("/residentId", "not-found", $"居民“{input.ResidentId}”不存在或不在您的管辖范围内");
        }

        var team = await TeamAsync(db, me, resident, input.TeamId, cancellationToken);
        var institution = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == team.ParentId, cancellationToken);
        var packages = await PackagesAsync(db, team, input.PackageIds, today, errors, cancellationToken);
        var (doctorUserId, doctorName) = await DoctorAsync(db, team, input.DoctorUserId, me, errors, cancellationToken);

        var snapshot = await parameters.CurrentAsync(cancellationToken);
        var start = input.StartDate ?? today;
        if (previous is null && !backdated && (start < today || start > today.AddDays(90)))
        {
            errors.Add(new ValidationError("/startDate", "range", $"开始日期应在今天（{today:yyyy-MM-dd}）至 90 天内"));
        }

        var end = start.AddMonths(snapshot.Whole("contract.period_months")).AddDays(-1);
        var populations = input.Populations?.ToList()
            ?? [.. KeyPopulations.Of(resident.Tags, Jiayi.Engine.Expressions.Functions.Age(resident.BirthDate, today), snapshot.Whole("population.elderly_age"), snapshot.Whole("population.child_max_age")).Select(KeyPopulations.NameOf)];
        for (var i = 0; i < populations.Count; i++)
        {
            if (!KeyPopulations.All.Any(p => p.Name == populations[i]) && populations[i] != "一般人群")
            {
                errors.Add(new ValidationError($"/populations/{i}", "unknown", $"人群分类“{populations[i]}”不存在；可选：{string.Join("、", KeyPopulations.All.Select(p => p.Name))}、一般人群"));
            }
        }

        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        await HoldPeriodAsync(db, resident, start, end, previous, cancellationToken);

        var now = clock.UtcNow;
        var number = NewNumber(today);
        var contract = new Contract
        {
            Number = number,
            ResidentId = resident.Id,
            ResidentName = resident.Name,
            HouseholdId = resident.HouseholdId,
            TeamId = team.Id,
            TeamName = team.Name,
            InstitutionId = institution.Id,
            InstitutionName = institution.Name,
            OrgPath = team.Path,
            DoctorUserId = doctorUserId,
            DoctorName = doctorName,
            StartDate = start,
            EndDate = end,
            Status = "",
            State = "",
            Source = input.Source,
            Populations = populations,
            Price = packages.Sum(p => p.Price),
            Latitude = input.Latitude,
            Longitude = input.Longitude,
            AgreementText = Agreement(number, start, end, input.Source, doctorName, resident, team, institution, packages, today),
            PreviousContractId = previous?.Id,
            WorkflowId = workflowId,
            CreatedBy = me?.UserId,
            CreatedByName = me?.DisplayName ?? actor.Name,
            CreatedAt = now,
            UpdatedAt = now,
            Packages = [.. packages.Select(p => new ContractPackage { PackageId = p.Id, PackageName = p.Name, Kind = p.Kind, Price = p.Price })],
        };
        foreach (var (kind, image) in new[] { ("signature", input.Signature), ("photo", input.Photo) })
        {
            if (image is null)
            {
                continue;
            }

            var file = new StoredFile
            {
                OwnerType = ContractSubject.Type,
                OwnerId = contract.Id,
                Kind = kind,
                ContentType = image.ContentType,
                Size = image.Content.Length,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(image.Content)),
                Content = image.Content,
                CreatedBy = me?.UserId,
            };
            db.Files.Add(file);
            if (kind == "signature")
            {
                contract.SignatureFileId = file.Id;
            }
            else
            {
                contract.PhotoFileId = file.Id;
            }
        }

        db.Contracts.Add(contract);
        var title = $"{resident.Name}（{team.Name}）";
        var context = await workflows.StartAsync(db, workflowId, ContractSubject.Type, contract.Id, ContractSubject.Values(contract, institution.ParentId), title, team.Id, team.Path, actor, me?.UserId, cancellationToken);
        return (contract, context);
    }

    /// <summary>The team: the one asked for, else the resident's managing team; in scope, active, a team.</summary>
    private static async Task<Organization> TeamAsync(JiayiDbContext db, AccessInfo? me, Resident resident, Guid? teamId, CancellationToken cancellationToken)
    {
        var id = teamId ?? resident.OrgId;
        var team = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (team is null || team.Kind != OrganizationKinds.Team || !team.IsActive || (me is not null && !me.InScope(team.Path) && !team.Path.StartsWith(me.ScopePath, StringComparison.Ordinal)))
        {
            throw teamId is null
                ? ProblemException.Invalid("/teamId", ErrorCodes.Required, "该居民未由家庭医生团队管理，请指定签约团队（teamId）")
                : ProblemException.Invalid("/teamId", "not-found", $"团队“{teamId}”不存在、已停用或不在您的管辖范围内");
        }

        return team;
    }

    /// <summary>Packages the team may sign now: they exist, are published, valid today, and issued at or above the team.</summary>
    private static async Task<List<ServicePackage>> PackagesAsync(JiayiDbContext db, Organization team, IReadOnlyList<Guid> ids, DateOnly today, List<ValidationError> errors, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            errors.Add(new ValidationError("/packageIds", ErrorCodes.Required, "至少选择一个服务包"));
            return [];
        }

        var found = await db.ServicePackages.AsNoTracking().Include(p => p.Items).Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        var result = new List<ServicePackage>();
        for (var i = 0; i < ids.Count; i++)
        {
            var path = $"/packageIds/{i}";
            if (ids.Take(i).Contains(ids[i]))
            {
                errors.Add(new ValidationError(path, "duplicate", "服务包重复"));
            }
            else if (!found.TryGetValue(ids[i], out var package) || !team.Path.StartsWith(package.IssuerOrgPath, StringComparison.Ordinal))
            {
                errors.Add(new ValidationError(path, "not-found", $"服务包“{ids[i]}”不存在或不适用于“{team.Name}”"));
            }
            else if (!package.Published)
            {
                errors.Add(new ValidationError(path, "unpublished", $"服务包“{package.Name}”未发布或已停用，不能签约"));
            }
            else if (today < package.ValidFrom || today > package.ValidTo)
            {
                errors.Add(new ValidationError(path, "expired", $"服务包“{package.Name}”不在有效期内（{package.ValidFrom:yyyy-MM-dd} 至 {package.ValidTo:yyyy-MM-dd}），不能签约"));
            }
            else
            {
                result.Add(package);
            }
        }

        if (result.Count(p => p.Kind == PackageKinds.Basic) > 1)
        {
            errors.Add(new ValidationError("/packageIds", "basic-twice", "一份签约只能包含一个基础包"));
        }

        return result;
    }

    /// <summary>The responsible doctor: the one asked for (a member of the team with an account), else the signer if in the team, else the team leader.</summary>
    private static async Task<(Guid? UserId, string Name)> DoctorAsync(JiayiDbContext db, Organization team, Guid? asked, AccessInfo? me, List<ValidationError> errors, CancellationToken cancellationToken)
    {
        var members = await db.TeamMembers.AsNoTracking().Where(m => m.TeamId == team.Id).ToListAsync(cancellationToken);
        if (asked is { } id)
        {
            if (members.FirstOrDefault(m => m.UserId == id) is { } member)
            {
                return (id, member.Name);
            }

            errors.Add(new ValidationError("/doctorUserId", "not-found", $"用户“{id}”不是“{team.Name}”的成员"));
            return (null, "");
        }

        var chosen = members.FirstOrDefault(m => me is not null && m.UserId == me.UserId)
            ?? members.FirstOrDefault(m => m.IsLeader)
            ?? members.FirstOrDefault();
        return chosen is null ? (null, team.Name) : (chosen.UserId, chosen.Name);
    }

    /// <summary>
    /// One open contract per resident per period: refuses an overlap, and bumps the resident's guard row so
    /// that of two signings at once the second fails its save instead of passing the check too.
    /// </summary>
    private static async Task HoldPeriodAsync(JiayiDbContext db, Resident resident, DateOnly start, DateOnly end, Contract? previous, CancellationToken cancellationToken)
    {
        var overlap = await db.Contracts.AsNoTracking()
            .Where(c => c.ResidentId == resident.Id && c.IsOpen && c.StartDate <= end && c.EndDate >= start && (previous == null || c.Id != previous.Id))
            .OrderBy(c => c.StartDate)
            .Select(c => new { c.StartDate, c.EndDate, c.Status, c.TeamName })
            .FirstOrDefaultAsync(cancellationToken);
        if (overlap is not null)
        {
            throw new ProblemException(409, "contract-exists", "已有签约",
                $"{resident.Name} 在 {overlap.StartDate:yyyy-MM-dd} 至 {overlap.EndDate:yyyy-MM-dd} 已与{overlap.TeamName}签约（{overlap.Status}）；同一周期只能与一个团队签约，请先解约或在到期后续约");
        }

        var guard = await db.ContractGuards.SingleOrDefaultAsync(g => g.ResidentId == resident.Id, cancellationToken);
        if (guard is null)
        {
            db.ContractGuards.Add(new ContractGuard { ResidentId = resident.Id, Revision = 1 });
        }
        else
        {
            guard.Revision++;
        }
    }

    private string Agreement(string number, DateOnly start, DateOnly end, string source, string doctorName, Resident resident, Organization team, Organization institution, List<ServicePackage> packages, DateOnly today)
    {
        var texts = new List<string>();
        foreach (var package in packages)
        {
            var model = AgreementTemplates.Model(
                contract: new() { ["number"] = number, ["start_date"] = $"{start:yyyy-MM-dd}", ["end_date"] = $"{end:yyyy-MM-dd}", ["sign_date"] = $"{today:yyyy-MM-dd}", ["source"] = ContractSources.Names.GetValueOrDefault(source, source) },
                resident: new() { ["name"] = resident.Name, ["sex"] = resident.Sex, ["age"] = Jiayi.Engine.Expressions.Functions.Age(resident.BirthDate, today), ["id_number"] = resident.IdNumberMasked, ["phone"] = resident.PhoneMasked ?? "", ["address"] = resident.AddressDetail ?? "" },
                team: new() { ["name"] = team.Name },
                institution: new() { ["name"] = institution.Name, ["address"] = institution.Address ?? "", ["phone"] = institution.ContactPhone ?? "" },
                doctor: new() { ["name"] = doctorName },
                package: AgreementTemplates.Package(package.Name, package.Kind, package.Price, package.Subsidy, package.Description ?? "",
                    [.. package.Items.OrderBy(i => i.Order).Select(i => (object?)AgreementTemplates.Item(i.Name, i.TimesPerYear, i.Price))]));
            texts.Add(agreements.Render(package.AgreementTemplate, model));
        }

        return string.Join("\n\n────────────────────\n\n", texts);
    }

    private static string NewNumber(DateOnly today) =>
        $"QY{today:yyyyMMdd}{Convert.ToHexString(RandomNumberGenerator.GetBytes(4))}";
}
