using System.Globalization;
using Jiayi.Data;
using Jiayi.Data.Contracts;
using Jiayi.Data.Organizations;
using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Contracts;

/// <summary>One service of a package as a client sends it.</summary>
public sealed record PackageItemInput(string? Name, string? FormId = null, string? ServiceType = null, int? TimesPerYear = null, decimal? Price = null, decimal? Subsidy = null);

/// <summary>What a client sends to create or change a service package (the items are replaced as a whole).</summary>
public sealed record PackageInput(
    string? Name,
    string? Kind,
    decimal? Price,
    DateOnly? ValidFrom,
    DateOnly? ValidTo,
    IReadOnlyList<PackageItemInput>? Items,
    string? Description = null,
    IReadOnlyList<string>? TargetPopulations = null,
    decimal? Subsidy = null,
    Guid? IssuerOrgId = null,
    string? AgreementTemplate = null);

public sealed record PackageIssuer(Guid Id, string Name);

/// <summary>A package as lists show it; <see cref="SignedCount"/> counts effective contracts in the caller's scope.</summary>
public sealed record PackageSummary(
    Guid Id,
    string Name,
    string Kind,
    string? Description,
    IReadOnlyList<string> TargetPopulations,
    decimal Price,
    decimal Subsidy,
    DateOnly ValidFrom,
    DateOnly ValidTo,
    bool Published,
    DateTime? PublishedAt,
    bool Expired,
    PackageIssuer Issuer,
    int ItemCount,
    int SignedCount);

public sealed record PackageItemView(Guid Id, int Order, string Name, string? FormId, string? ServiceType, int TimesPerYear, decimal Price, decimal Subsidy);

/// <summary>A package with its items and agreement template.</summary>
public sealed record PackageView(
    Guid Id,
    string Name,
    string Kind,
    string? Description,
    IReadOnlyList<string> TargetPopulations,
    decimal Price,
    decimal Subsidy,
    DateOnly ValidFrom,
    DateOnly ValidTo,
    string Validity,
    bool Expired,
    bool Published,
    DateTime? PublishedAt,
    PackageIssuer Issuer,
    int ItemCount,
    int SignedCount,
    string? AgreementTemplate,
    IReadOnlyList<PackageItemView> Items);

public sealed record PackagePage(IReadOnlyList<PackageSummary> Items, int Total, int Page, int PageSize);

/// <summary>List filters: <see cref="Published"/> true means signable today (published and within its validity).</summary>
public sealed record PackageQuery(bool? Published, string? Kind, string? Q, int Page, int PageSize);

/// <summary>
/// Service packages (服务包, W2.1): created and changed while unpublished, published for signing, unpublished
/// again without touching existing contracts. A package serves the subtree of <see cref="ServicePackage.IssuerOrgPath"/>
/// (see <see cref="ServedPath"/>): users below it see and sign it, users above it (or at it) manage it.
/// </summary>
public sealed class PackageService(IDbContextFactory<JiayiDbContext> databases, Forms.FormCatalog forms, Clock clock)
{
    public async Task<PackagePage> ListAsync(AccessInfo access, PackageQuery query, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var today = clock.Today;
        var packages = Visible(db, access.ScopePath).AsNoTracking();
        packages = query.Published switch
        {
            true => packages.Where(p => p.Published && p.ValidFrom <= today && p.ValidTo >= today),
            false => packages.Where(p => !p.Published),
            null => packages,
        };
        if (query.Kind is { } kind)
        {
            packages = packages.Where(p => p.Kind == kind);
        }

        if (query.Q is { } q)
        {
            packages = packages.Where(p => p.Name.Contains(q));
        }

        var total = await packages.CountAsync(cancellationToken);
        var scope = access.ScopePath;
        var items = await packages.OrderByDescending(p => p.Published).ThenBy(p => p.Name).ThenBy(p => p.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .Select(p => new PackageSummary(
                p.Id, p.Name, p.Kind, p.Description, p.TargetPopulations, p.Price, p.Subsidy, p.ValidFrom, p.ValidTo, p.Published, p.PublishedAt, p.ValidTo < today,
                new PackageIssuer(p.IssuerOrgId, db.Organizations.Where(o => o.Id == p.IssuerOrgId).Select(o => o.Name).FirstOrDefault() ?? ""),
                p.Items.Count,
                db.ContractPackages.Count(cp => cp.PackageId == p.Id
                    && db.Contracts.Any(c => c.Id == cp.ContractId && c.State == ContractStates.Effective && c.OrgPath.StartsWith(scope)))))
            .ToListAsync(cancellationToken);
        return new PackagePage(items, total, query.Page, query.PageSize);
    }

    public async Task<PackageView> GetAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var package = await Visible(db, access.ScopePath).AsNoTracking().Include(p => p.Items).SingleOrDefaultAsync(p => p.Id == id, cancellationToken) ?? throw NotFound(id);
        return await ViewAsync(db, access, package, cancellationToken);
    }

    public async Task<PackageView> CreateAsync(AccessInfo access, PackageInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var fields = await CheckAsync(db, access, input, input.IssuerOrgId ?? access.OrgId, cancellationToken);
        var package = new ServicePackage
        {
            Name = fields.Name,
            Kind = fields.Kind,
            ValidFrom = fields.ValidFrom,
            ValidTo = fields.ValidTo,
            IssuerOrgId = fields.Issuer.Id,
            IssuerOrgPath = fields.Issuer.ServedPath,
            CreatedAt = clock.UtcNow,
        };
        Apply(package, fields);
        db.ServicePackages.Add(package);
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, access, package, cancellationToken);
    }

    /// <summary>Changes an unpublished package, replacing its items; without <c>issuerOrgId</c> the issuer stays.</summary>
    public async Task<PackageView> UpdateAsync(AccessInfo access, Guid id, PackageInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var package = await Managed(db, access).Include(p => p.Items).SingleOrDefaultAsync(p => p.Id == id, cancellationToken) ?? throw NotFound(id);
        if (package.Published)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "package-published", "已发布的服务包不能修改", $"服务包“{package.Name}”已发布，停用后才能修改；已有签约按签约时的内容执行");
        }

        var fields = await CheckAsync(db, access, input, input.IssuerOrgId ?? package.IssuerOrgId, cancellationToken);
        package.Name = fields.Name;
        package.Kind = fields.Kind;
        package.ValidFrom = fields.ValidFrom;
        package.ValidTo = fields.ValidTo;
        package.IssuerOrgId = fields.Issuer.Id;
        package.IssuerOrgPath = fields.Issuer.ServedPath;
        // The old items go as orphans; the new ones carry their ids already, so they are added explicitly (found through
        // the navigation alone, they would be taken for existing rows).
        package.Items.Clear();
        Apply(package, fields);
        db.PackageItems.AddRange(package.Items);
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, access, package, cancellationToken);
    }

    public async Task DeleteAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var package = await Managed(db, access).SingleOrDefaultAsync(p => p.Id == id, cancellationToken) ?? throw NotFound(id);
        if (await db.ContractPackages.AnyAsync(cp => cp.PackageId == id, cancellationToken))
        {
            var next = package.Published ? "不能删除，可停用（停用后不再能新签约，已有签约不受影响）" : "不能删除；它已停用，不会再被签约";
            throw new ProblemException(StatusCodes.Status409Conflict, "package-in-use", "服务包已被使用", $"已有签约使用服务包“{package.Name}”，{next}");
        }

        if (package.Published)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "package-published", "已发布的服务包不能删除", $"服务包“{package.Name}”已发布，停用后才能删除");
        }

        db.ServicePackages.Remove(package);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Opens a package for signing; publishing a published package changes nothing.</summary>
    public async Task<PackageView> PublishAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var package = await Managed(db, access).Include(p => p.Items).SingleOrDefaultAsync(p => p.Id == id, cancellationToken) ?? throw NotFound(id);
        if (package.ValidTo < clock.Today)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "package-expired", "服务包已过期", $"服务包“{package.Name}”的有效期至 {Date(package.ValidTo)} 已过，不能发布；请修改有效期后再发布");
        }

        if (!package.Published)
        {
            package.Published = true;
            package.PublishedAt = clock.UtcNow;
            package.UpdatedAt = clock.UtcNow;
            await db.SaveChangesAsync(cancellationToken);
        }

        return await ViewAsync(db, access, package, cancellationToken);
    }

    /// <summary>Stops new signings of a package; contracts already signed with it are untouched.</summary>
    public async Task<PackageView> UnpublishAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var package = await Managed(db, access).Include(p => p.Items).SingleOrDefaultAsync(p => p.Id == id, cancellationToken) ?? throw NotFound(id);
        if (package.Published)
        {
            package.Published = false;
            package.PublishedAt = null;
            package.UpdatedAt = clock.UtcNow;
            await db.SaveChangesAsync(cancellationToken);
        }

        return await ViewAsync(db, access, package, cancellationToken);
    }

    /// <summary>
    /// Packages a user with <paramref name="scopePath"/> may see: those serving a subtree inside the scope, and the
    /// published ones serving an ancestor of it (a city-level package reaches every team below; its drafts do not).
    /// </summary>
    public static IQueryable<ServicePackage> Visible(JiayiDbContext db, string scopePath)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ancestors = Ancestors(scopePath);
        return db.ServicePackages.Where(p => p.IssuerOrgPath.StartsWith(scopePath) || (p.Published && ancestors.Contains(p.IssuerOrgPath)));
    }

    /// <summary>
    /// The subtree a package serves: an institution's own path; a health department's parent division (its
    /// jurisdiction), since a department sits beside the institutions it governs, not above them.
    /// </summary>
    public static string ServedPath(string issuerKind, string issuerPath) =>
        issuerKind == OrganizationKinds.HealthDepartment ? issuerPath[..(issuerPath.LastIndexOf('/', issuerPath.Length - 2) + 1)] : issuerPath;

    /// <summary>Packages the caller manages (changes, publishes, deletes): those serving a subtree inside the scope.</summary>
    private static IQueryable<ServicePackage> Managed(JiayiDbContext db, AccessInfo access)
    {
        var scope = access.ScopePath;
        return db.ServicePackages.Where(p => p.IssuerOrgPath.StartsWith(scope));
    }

    /// <summary>The proper ancestors of a path: <c>/61/6104/</c> gives <c>/61/</c>.</summary>
    private static List<string> Ancestors(string path)
    {
        var ancestors = new List<string>();
        for (var end = path.IndexOf('/', 1); end > 0 && end < path.Length - 1; end = path.IndexOf('/', end + 1))
        {
            ancestors.Add(path[..(end + 1)]);
        }

        return ancestors;
    }

    private async Task<PackageView> ViewAsync(JiayiDbContext db, AccessInfo access, ServicePackage p, CancellationToken cancellationToken)
    {
        var scope = access.ScopePath;
        var issuer = await db.Organizations.Where(o => o.Id == p.IssuerOrgId).Select(o => o.Name).FirstOrDefaultAsync(cancellationToken) ?? "";
        var signed = await db.ContractPackages.CountAsync(cp => cp.PackageId == p.Id
            && db.Contracts.Any(c => c.Id == cp.ContractId && c.State == ContractStates.Effective && c.OrgPath.StartsWith(scope)), cancellationToken);
        var items = p.Items.OrderBy(i => i.Order).Select(i => new PackageItemView(i.Id, i.Order, i.Name, i.FormId, i.ServiceType, i.TimesPerYear, i.Price, i.Subsidy)).ToList();
        return new PackageView(
            p.Id, p.Name, p.Kind, p.Description, p.TargetPopulations, p.Price, p.Subsidy, p.ValidFrom, p.ValidTo, $"{Date(p.ValidFrom)} 至 {Date(p.ValidTo)}", p.ValidTo < clock.Today,
            p.Published, p.PublishedAt, new PackageIssuer(p.IssuerOrgId, issuer), items.Count, signed, p.AgreementTemplate, items);
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private void Apply(ServicePackage package, PackageFields fields)
    {
        package.Description = fields.Description;
        package.TargetPopulations = fields.TargetPopulations;
        package.Price = fields.Price;
        package.Subsidy = fields.Subsidy;
        package.AgreementTemplate = fields.AgreementTemplate;
        package.UpdatedAt = clock.UtcNow;
        package.Items.AddRange(fields.Items.Select((item, index) => new PackageItem
        {
            Order = index + 1,
            Name = item.Name!,
            FormId = item.FormId,
            ServiceType = item.ServiceType,
            TimesPerYear = item.TimesPerYear!.Value,
            Price = item.Price ?? 0,
            Subsidy = item.Subsidy ?? 0,
        }));
    }

    private sealed record IssuerNode(Guid Id, string ServedPath);

    private sealed record PackageFields(
        string Name, string Kind, string? Description, List<string> TargetPopulations, decimal Price, decimal Subsidy,
        DateOnly ValidFrom, DateOnly ValidTo, IssuerNode Issuer, string? AgreementTemplate, IReadOnlyList<PackageItemInput> Items);

    /// <summary>Checks every field against <see cref="PackageRules"/> and the database, reporting all problems at once; nothing is written on failure.</summary>
    private async Task<PackageFields> CheckAsync(JiayiDbContext db, AccessInfo access, PackageInput input, Guid issuerId, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        var checkedInput = PackageRules.Check(input, errors);
        var issuer = await IssuerAsync(db, access, issuerId, errors, cancellationToken);
        // Items are fulfilled by service records: only record forms, not the forms of workflow steps (解约登记).
        var published = (await forms.ListAsync(cancellationToken)).Where(f => f.IsRecord).Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < checkedInput.Items.Count; i++)
        {
            if (checkedInput.Items[i].FormId is { } formId && !published.Contains(formId))
            {
                errors.Add(new ValidationError($"/items/{i}/formId", "not-found", $"第 {i + 1} 项服务：没有代码为“{formId}”的已发布服务记录表单"));
            }
        }

        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        return new PackageFields(
            checkedInput.Name, checkedInput.Kind, checkedInput.Description, checkedInput.TargetPopulations, checkedInput.Price, checkedInput.Subsidy,
            checkedInput.ValidFrom, checkedInput.ValidTo, issuer!, checkedInput.AgreementTemplate, checkedInput.Items);
    }

    /// <summary>
    /// The issuer: an institution or health department in the caller's scope whose served subtree is in it too
    /// (a department-level account cannot speak for the whole division). Unknown and out-of-scope ids read alike.
    /// </summary>
    private static async Task<IssuerNode?> IssuerAsync(JiayiDbContext db, AccessInfo access, Guid id, List<ValidationError> errors, CancellationToken cancellationToken)
    {
        var scope = access.ScopePath;
        var org = await db.Organizations.AsNoTracking().Where(o => o.Id == id && o.Path.StartsWith(scope))
            .Select(o => new { o.Id, o.Name, o.Kind, o.Path }).SingleOrDefaultAsync(cancellationToken);
        if (org is null)
        {
            errors.Add(new ValidationError("/issuerOrgId", "not-found", "发布机构不存在或不在您的管辖范围内"));
            return null;
        }

        if (org.Kind is not (OrganizationKinds.Institution or OrganizationKinds.HealthDepartment))
        {
            errors.Add(new ValidationError("/issuerOrgId", "issuer-kind",
                $"发布机构应为医疗机构或卫生部门，“{org.Name}”是{OrganizationKinds.Names.GetValueOrDefault(org.Kind, org.Kind)}；请选择发布机构 issuerOrgId"));
            return null;
        }

        var served = ServedPath(org.Kind, org.Path);
        if (!served.StartsWith(scope, StringComparison.Ordinal))
        {
            errors.Add(new ValidationError("/issuerOrgId", "issuer-scope", $"卫生部门“{org.Name}”面向其所在行政区划发布服务包，该区划超出您的管辖范围"));
            return null;
        }

        return new IssuerNode(org.Id, served);
    }

    private static ProblemException NotFound(Guid id) =>
        new(StatusCodes.Status404NotFound, "package-not-found", "服务包不存在", $"没有编号为“{id}”的服务包，或不在您的管辖范围内");
}
