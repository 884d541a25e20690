namespace Jiayi.Data.Contracts;

/// <summary>
/// A service package (服务包) residents sign: basic (基础包) or personalised (个性化包), with its items, price
/// and validity, issued by an institution or health department. Published packages can be signed; unpublishing
/// stops new signings and leaves existing contracts alone.
/// </summary>
public sealed class ServicePackage
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    /// <summary>基础包 or 个性化包 (see <see cref="PackageKinds"/>).</summary>
    public required string Kind { get; set; }

    public string? Description { get; set; }

    /// <summary>Target populations (十类重点人群 names, or 一般人群).</summary>
    public List<string> TargetPopulations { get; set; } = [];

    public decimal Price { get; set; }

    /// <summary>The part of the price paid by public funds (医保/公卫经费).</summary>
    public decimal Subsidy { get; set; }

    public required DateOnly ValidFrom { get; set; }

    public required DateOnly ValidTo { get; set; }

    public required Guid IssuerOrgId { get; set; }

    public required string IssuerOrgPath { get; set; }

    /// <summary>The agreement text for this package, a Scriban template; empty uses definitions/templates/contract-agreement.sbn.</summary>
    public string? AgreementTemplate { get; set; }

    public bool Published { get; set; }

    public DateTime? PublishedAt { get; set; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;

    public List<PackageItem> Items { get; set; } = [];
}

public static class PackageKinds
{
    public const string Basic = "基础包";
    public const string Personalised = "个性化包";

    public static readonly IReadOnlyList<string> All = [Basic, Personalised];
}

/// <summary>One service of a package: what, how often a year, linked to a form or a service type for 履约.</summary>
public sealed class PackageItem
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid PackageId { get; set; }

    public int Order { get; set; }

    public required string Name { get; set; }

    /// <summary>A form whose records fulfil this item (e.g. hypertension-followup).</summary>
    public string? FormId { get; set; }

    /// <summary>A service type fulfilled by other means (e.g. HIS visits: 门诊, 住院).</summary>
    public string? ServiceType { get; set; }

    public int TimesPerYear { get; set; }

    public decimal Price { get; set; }

    public decimal Subsidy { get; set; }
}

/// <summary>
/// A signing (签约协议) of a resident with a family-doctor team for one period. Its status is the state of its
/// workflow instance; the agreement text is rendered and frozen when it is signed.
/// </summary>
public sealed class Contract
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Number { get; init; }

    public required Guid ResidentId { get; init; }

    public required string ResidentName { get; set; }

    public Guid? HouseholdId { get; init; }

    public required Guid TeamId { get; init; }

    public required string TeamName { get; init; }

    public required Guid InstitutionId { get; init; }

    public required string InstitutionName { get; init; }

    /// <summary>The team's path: data scope.</summary>
    public required string OrgPath { get; init; }

    public Guid? DoctorUserId { get; init; }

    public required string DoctorName { get; init; }

    public required DateOnly StartDate { get; init; }

    public required DateOnly EndDate { get; init; }

    /// <summary>The Chinese name of the workflow state (待初审, 已生效 …).</summary>
    public required string Status { get; set; }

    /// <summary>The workflow state key (first_review, effective …).</summary>
    public required string State { get; set; }

    /// <summary>False once the workflow reached a terminal state (驳回, 撤回, 解约): the period is free again.</summary>
    public bool IsOpen { get; set; } = true;

    /// <summary>web, doctor-app or resident-app (see <see cref="ContractSources"/>).</summary>
    public required string Source { get; init; }

    public List<string> Populations { get; set; } = [];

    public decimal Price { get; init; }

    public double? Latitude { get; init; }

    public double? Longitude { get; init; }

    public Guid? SignatureFileId { get; set; }

    public Guid? PhotoFileId { get; set; }

    public required string AgreementText { get; init; }

    public Guid? PreviousContractId { get; init; }

    public Guid? RenewedById { get; set; }

    public string? TerminationReason { get; set; }

    public DateOnly? TerminatedOn { get; set; }

    public required string WorkflowId { get; init; }

    public Guid InstanceId { get; set; }

    public Guid? CreatedBy { get; init; }

    public string? CreatedByName { get; init; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;

    public List<ContractPackage> Packages { get; set; } = [];
}

/// <summary>A package of a contract, with its name, kind and price as they were when signed.</summary>
public sealed class ContractPackage
{
    public Guid ContractId { get; set; }

    public required Guid PackageId { get; init; }

    public required string PackageName { get; init; }

    public required string Kind { get; init; }

    public decimal Price { get; init; }
}

public static class ContractSources
{
    public const string Web = "web";
    public const string DoctorApp = "doctor-app";
    public const string ResidentApp = "resident-app";

    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>
    {
        [Web] = "网页端",
        [DoctorApp] = "医生端",
        [ResidentApp] = "居民端",
    };
}

/// <summary>
/// One row per resident that every signing of that resident updates (its <see cref="Revision"/> is a
/// concurrency token): two signings of one resident at once cannot both pass the one-contract-per-period check.
/// </summary>
public sealed class ContractGuard
{
    public required Guid ResidentId { get; init; }

    public int Revision { get; set; }
}

/// <summary>
/// The workflow state keys the contract module reads (signing workflows in definitions/workflows use them):
/// an effective contract counts as signed; an expired one may still be renewed.
/// </summary>
public static class ContractStates
{
    public const string Effective = "effective";
    public const string Expired = "expired";
}
