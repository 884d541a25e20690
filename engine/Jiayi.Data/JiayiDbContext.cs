using Jiayi.Data.Access;
using Jiayi.Data.Contracts;
using Jiayi.Data.Files;
using Jiayi.Data.FollowUps;
using Jiayi.Data.Integrations;
using Jiayi.Data.Workflows;
using Jiayi.Data.Audit;
using Jiayi.Data.Definitions;
using Jiayi.Data.BatchImports;
using Jiayi.Data.Organizations;
using Jiayi.Data.Parameters;
using Jiayi.Data.Records;
using Jiayi.Data.Residents;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Data;

/// <summary>
/// The one EF Core model. Each provider has its own subclass (<see cref="SqliteJiayiDbContext"/>,
/// <see cref="PostgreSqlJiayiDbContext"/>) so that each gets its own cached model and migrations set;
/// the application depends on this base type only.
/// </summary>
public abstract class JiayiDbContext(DbContextOptions options) : IdentityUserContext<AppUser, Guid>(options)
{
    public DbSet<FormDefinitionVersion> FormDefinitions => Set<FormDefinitionVersion>();

    public DbSet<Organization> Organizations => Set<Organization>();

    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();

    public DbSet<Resident> Residents => Set<Resident>();

    public DbSet<Household> Households => Set<Household>();

    public DbSet<FormRecord> Records => Set<FormRecord>();

    public DbSet<Role> Roles => Set<Role>();

    public DbSet<UserRole> UserRoles => Set<UserRole>();

    public DbSet<UserGroup> UserGroups => Set<UserGroup>();

    public DbSet<UserGroupMember> UserGroupMembers => Set<UserGroupMember>();

    public DbSet<UserGroupRole> UserGroupRoles => Set<UserGroupRole>();

    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    public DbSet<SystemParameterValue> SystemParameters => Set<SystemParameterValue>();

    public DbSet<SystemParameterChange> SystemParameterChanges => Set<SystemParameterChange>();

    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();

    public DbSet<ImportJobError> ImportJobErrors => Set<ImportJobError>();

    public DbSet<WorkflowDefinitionVersion> WorkflowDefinitions => Set<WorkflowDefinitionVersion>();

    public DbSet<WorkflowInstance> WorkflowInstances => Set<WorkflowInstance>();

    public DbSet<WorkflowHistoryEntry> WorkflowHistory => Set<WorkflowHistoryEntry>();

    public DbSet<WorkItem> WorkItems => Set<WorkItem>();

    public DbSet<WorkItemAssignee> WorkItemAssignees => Set<WorkItemAssignee>();

    public DbSet<WorkflowTimer> WorkflowTimers => Set<WorkflowTimer>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<ServicePackage> ServicePackages => Set<ServicePackage>();

    public DbSet<PackageItem> PackageItems => Set<PackageItem>();

    public DbSet<Contract> Contracts => Set<Contract>();

    public DbSet<ContractPackage> ContractPackages => Set<ContractPackage>();

    public DbSet<ContractGuard> ContractGuards => Set<ContractGuard>();

    public DbSet<StoredFile> Files => Set<StoredFile>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<FollowUp> FollowUps => Set<FollowUp>();

    public DbSet<Jiayi.Data.Programmes.Enrolment> Enrolments => Set<Jiayi.Data.Programmes.Enrolment>();

    public DbSet<DefinitionVersion> Definitions => Set<DefinitionVersion>();

    public DbSet<HisVisit> HisVisits => Set<HisVisit>();

    public DbSet<InboundRejection> InboundRejections => Set<InboundRejection>();

    /// <summary>Events to log with the next save (see <see cref="AuditDraft"/>); the audit interceptor empties it.</summary>
    public List<AuditDraft> AuditDrafts { get; } = [];

    /// <summary>
    /// When set, the next save logs one entry per entity type with this summary and the counts, instead of
    /// one entry per entity: what a 100,000-row import wants.
    /// </summary>
    public string? AuditBatchSummary { get; set; }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardPublishedDefinitions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardPublishedDefinitions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>Records point at published versions; changing or deleting one would change what they mean.</summary>
    private void GuardPublishedDefinitions()
    {
        foreach (var entry in ChangeTracker.Entries<FormDefinitionVersion>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted && entry.OriginalValues.GetValue<string>(nameof(FormDefinitionVersion.Status)) == DefinitionStatus.Published)
            {
                throw new InvalidOperationException($"Form definition {entry.Entity.FormId} v{entry.Entity.Version} is published and cannot be changed.");
            }
        }

        foreach (var entry in ChangeTracker.Entries<WorkflowDefinitionVersion>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted && entry.OriginalValues.GetValue<string>(nameof(WorkflowDefinitionVersion.Status)) == DefinitionStatus.Published)
            {
                throw new InvalidOperationException($"Workflow definition {entry.Entity.WorkflowId} v{entry.Entity.Version} is published and cannot be changed.");
            }
        }
    }

    private static void ConfigureAccess(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AppUser>(e =>
        {
            e.ToTable("users");
            e.Property(u => u.DisplayName).HasMaxLength(50);
            e.Property(u => u.UserType).HasMaxLength(16);
            e.HasIndex(u => u.OrgId);
        });
        modelBuilder.Entity<Microsoft.AspNetCore.Identity.IdentityUserClaim<Guid>>().ToTable("user_claims");
        modelBuilder.Entity<Microsoft.AspNetCore.Identity.IdentityUserLogin<Guid>>().ToTable("user_logins");
        modelBuilder.Entity<Microsoft.AspNetCore.Identity.IdentityUserToken<Guid>>().ToTable("user_tokens");

        modelBuilder.Entity<Role>(e =>
        {
            e.ToTable("roles");
            e.Property(r => r.Name).HasMaxLength(50);
            e.Property(r => r.Description).HasMaxLength(200);
            e.HasIndex(r => r.Name).IsUnique();
        });
        modelBuilder.Entity<UserRole>(e =>
        {
            e.ToTable("user_roles");
            e.HasKey(r => new { r.UserId, r.RoleId });
            e.HasIndex(r => r.RoleId);
        });
        modelBuilder.Entity<UserGroup>(e =>
        {
            e.ToTable("user_groups");
            e.Property(g => g.Name).HasMaxLength(50);
            e.Property(g => g.Description).HasMaxLength(200);
            e.HasIndex(g => g.Name).IsUnique();
        });
        modelBuilder.Entity<UserGroupMember>(e =>
        {
            e.ToTable("user_group_members");
            e.HasKey(m => new { m.GroupId, m.UserId });
            e.HasIndex(m => m.UserId);
        });
        modelBuilder.Entity<UserGroupRole>(e =>
        {
            e.ToTable("user_group_roles");
            e.HasKey(r => new { r.GroupId, r.RoleId });
        });
    }

    private static void ConfigureResidents(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Resident>(e =>
        {
            e.ToTable("residents");
            e.Property(r => r.Name).HasMaxLength(50);
            e.Property(r => r.Sex).HasMaxLength(4);
            e.Property(r => r.IdNumberHash).HasMaxLength(64);
            e.Property(r => r.IdNumberMasked).HasMaxLength(18);
            e.Property(r => r.PhoneHash).HasMaxLength(64);
            e.Property(r => r.PhoneMasked).HasMaxLength(20);
            e.Property(r => r.AddressDetail).HasMaxLength(200);
            e.Property(r => r.RelationToHead).HasMaxLength(16);
            e.Property(r => r.OrgPath).HasMaxLength(400);
            e.HasIndex(r => r.IdNumberHash).IsUnique();
            e.HasIndex(r => r.PhoneHash);
            e.HasIndex(r => r.OrgPath);
            e.HasIndex(r => r.HouseholdId);
            e.HasIndex(r => r.Name);
        });
        modelBuilder.Entity<Household>(e =>
        {
            e.ToTable("households");
            e.Property(h => h.AddressDetail).HasMaxLength(200);
            e.Property(h => h.OrgPath).HasMaxLength(400);
            e.HasIndex(h => h.OrgPath);
        });
    }

    private static void ConfigureOperations(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_log");
            e.Property(a => a.Id).ValueGeneratedOnAdd();
            e.Property(a => a.UserName).HasMaxLength(50);
            e.Property(a => a.OrgPath).HasMaxLength(400);
            e.Property(a => a.Ip).HasMaxLength(64);
            e.Property(a => a.Action).HasMaxLength(32);
            e.Property(a => a.EntityType).HasMaxLength(64);
            e.Property(a => a.EntityId).HasMaxLength(100);
            e.Property(a => a.Summary).HasMaxLength(4000);
            e.Property(a => a.PrevHash).HasMaxLength(64);
            e.Property(a => a.Hash).HasMaxLength(64);
            e.HasIndex(a => a.Time);
            e.HasIndex(a => new { a.EntityType, a.EntityId });
            e.HasIndex(a => a.UserId);
            e.HasIndex(a => a.OrgPath);
        });
        modelBuilder.Entity<SystemParameterValue>(e =>
        {
            e.ToTable("system_parameters");
            e.HasKey(p => p.Key);
            e.Property(p => p.Key).HasMaxLength(100);
            e.Property(p => p.UpdatedBy).HasMaxLength(50);
        });
        modelBuilder.Entity<SystemParameterChange>(e =>
        {
            e.ToTable("system_parameter_changes");
            e.Property(c => c.Id).ValueGeneratedOnAdd();
            e.Property(c => c.Key).HasMaxLength(100);
            e.Property(c => c.ChangedBy).HasMaxLength(50);
            e.Property(c => c.Reason).HasMaxLength(200);
            e.HasIndex(c => c.Key);
        });
        modelBuilder.Entity<ImportJob>(e =>
        {
            e.ToTable("import_jobs");
            e.Property(j => j.Kind).HasMaxLength(32);
            e.Property(j => j.FileName).HasMaxLength(200);
            e.Property(j => j.Status).HasMaxLength(16);
            e.Property(j => j.Message).HasMaxLength(1000);
            e.Property(j => j.OrgPath).HasMaxLength(400);
        });
        modelBuilder.Entity<ImportJobError>(e =>
        {
            e.ToTable("import_job_errors");
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.Property(x => x.Column).HasMaxLength(50);
            e.Property(x => x.Reason).HasMaxLength(500);
            e.HasIndex(x => new { x.JobId, x.Row });
        });
    }

    private void ConfigureWorkflows(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<WorkflowDefinitionVersion>(e =>
        {
            e.ToTable("workflow_definitions");
            e.HasKey(d => new { d.WorkflowId, d.Version });
            e.Property(d => d.WorkflowId).HasMaxLength(64);
            e.Property(d => d.Title).HasMaxLength(200);
            e.Property(d => d.ContentHash).HasMaxLength(64);
            e.Property(d => d.Status).HasMaxLength(16);
            e.Property(d => d.Source).HasMaxLength(300);
            e.Property(d => d.Content).HasColumnType(JsonColumnType);
        });
        modelBuilder.Entity<WorkflowInstance>(e =>
        {
            e.ToTable("workflow_instances");
            e.Property(i => i.WorkflowId).HasMaxLength(64);
            e.Property(i => i.State).HasMaxLength(64);
            e.Property(i => i.SubjectType).HasMaxLength(32);
            e.Property(i => i.Title).HasMaxLength(200);
            e.Property(i => i.OrgPath).HasMaxLength(400);
            e.Property(i => i.Revision).IsConcurrencyToken();
            e.HasIndex(i => new { i.SubjectType, i.SubjectId });
            e.HasIndex(i => new { i.WorkflowId, i.WorkflowVersion, i.State });
            e.HasIndex(i => i.OrgPath);
        });
        modelBuilder.Entity<WorkflowHistoryEntry>(e =>
        {
            e.ToTable("workflow_history");
            e.Property(h => h.UserName).HasMaxLength(50);
            e.Property(h => h.ActorOrgPath).HasMaxLength(400);
            e.Property(h => h.OrgPath).HasMaxLength(400);
            e.Property(h => h.SubjectType).HasMaxLength(32);
            e.Property(h => h.FromState).HasMaxLength(64);
            e.Property(h => h.ToState).HasMaxLength(64);
            e.Property(h => h.Trigger).HasMaxLength(64);
            e.Property(h => h.Label).HasMaxLength(200);
            e.Property(h => h.FromName).HasMaxLength(200);
            e.Property(h => h.ToName).HasMaxLength(200);
            e.Property(h => h.Comment).HasMaxLength(1000);
            e.Property(h => h.Data).HasColumnType(JsonColumnType);
            e.HasIndex(h => new { h.InstanceId, h.At });
            e.HasIndex(h => new { h.SubjectType, h.At });
            e.HasIndex(h => h.UserId);
            e.HasIndex(h => h.ActorOrgPath);
            e.HasIndex(h => h.OrgPath);
        });
        modelBuilder.Entity<WorkItem>(e =>
        {
            e.ToTable("work_items");
            e.Property(w => w.WorkflowId).HasMaxLength(64);
            e.Property(w => w.State).HasMaxLength(64);
            e.Property(w => w.Title).HasMaxLength(300);
            e.Property(w => w.SubjectType).HasMaxLength(32);
            e.Property(w => w.OrgPath).HasMaxLength(400);
            e.Property(w => w.Status).HasMaxLength(16);
            e.Property(w => w.CompletedByName).HasMaxLength(50);
            e.Property(w => w.Outcome).HasMaxLength(200);
            e.Property(w => w.Comment).HasMaxLength(1000);
            e.HasIndex(w => new { w.InstanceId, w.Status });
            e.HasIndex(w => new { w.CompletedBy, w.CompletedAt });
            e.HasIndex(w => w.OrgPath);
        });
        modelBuilder.Entity<WorkItemAssignee>(e =>
        {
            e.ToTable("work_item_assignees");
            e.HasKey(a => new { a.WorkItemId, a.UserId });
            e.HasIndex(a => a.UserId);
        });
        modelBuilder.Entity<WorkflowTimer>(e =>
        {
            e.ToTable("workflow_timers");
            e.Property(t => t.TimerKey).HasMaxLength(64);
            e.Property(t => t.Trigger).HasMaxLength(64);
            e.Property(t => t.State).HasMaxLength(64);
            e.Property(t => t.Status).HasMaxLength(16);
            e.Property(t => t.Message).HasMaxLength(1000);
            e.HasIndex(t => new { t.Status, t.DueAt });
            e.HasIndex(t => t.InstanceId);
        });
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.Property(m => m.Integration).HasMaxLength(64);
            e.Property(m => m.EventType).HasMaxLength(64);
            e.Property(m => m.Payload).HasColumnType(JsonColumnType);
            e.Property(m => m.Status).HasMaxLength(16);
            e.Property(m => m.LastError).HasMaxLength(1000);
            e.HasIndex(m => new { m.Status, m.NextAttemptAt });
        });
        modelBuilder.Entity<FollowUp>(e =>
        {
            e.ToTable("follow_ups");
            e.Property(f => f.FormId).HasMaxLength(64);
            e.Property(f => f.Title).HasMaxLength(300);
            e.Property(f => f.OrgPath).HasMaxLength(400);
            e.Property(f => f.Status).HasMaxLength(16);
            e.HasIndex(f => new { f.ResidentId, f.FormId, f.Status });
            e.HasIndex(f => new { f.Status, f.DueOn });
            e.HasIndex(f => f.OrgPath);
        });
        modelBuilder.Entity<Notification>(e =>
        {
            e.ToTable("notifications");
            e.Property(n => n.Title).HasMaxLength(200);
            e.Property(n => n.Message).HasMaxLength(1000);
            e.Property(n => n.Link).HasMaxLength(300);
            e.HasIndex(n => new { n.UserId, n.CreatedAt });
        });
    }

    private static void ConfigureContracts(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ServicePackage>(e =>
        {
            e.ToTable("service_packages");
            e.Property(p => p.Name).HasMaxLength(100);
            e.Property(p => p.Kind).HasMaxLength(16);
            e.Property(p => p.Description).HasMaxLength(1000);
            e.Property(p => p.Price).HasPrecision(10, 2);
            e.Property(p => p.Subsidy).HasPrecision(10, 2);
            e.Property(p => p.IssuerOrgPath).HasMaxLength(400);
            e.Property(p => p.AgreementTemplate).HasMaxLength(20000);
            e.HasMany(p => p.Items).WithOne().HasForeignKey(i => i.PackageId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(p => p.IssuerOrgPath);
            e.HasIndex(p => p.Published);
        });
        modelBuilder.Entity<PackageItem>(e =>
        {
            e.ToTable("package_items");
            e.Property(i => i.Name).HasMaxLength(100);
            e.Property(i => i.FormId).HasMaxLength(64);
            e.Property(i => i.ServiceType).HasMaxLength(64);
            e.Property(i => i.Price).HasPrecision(10, 2);
            e.Property(i => i.Subsidy).HasPrecision(10, 2);
        });
        modelBuilder.Entity<Contract>(e =>
        {
            e.ToTable("contracts");
            e.Property(c => c.Number).HasMaxLength(32);
            e.Property(c => c.ResidentName).HasMaxLength(50);
            e.Property(c => c.TeamName).HasMaxLength(200);
            e.Property(c => c.InstitutionName).HasMaxLength(200);
            e.Property(c => c.OrgPath).HasMaxLength(400);
            e.Property(c => c.DoctorName).HasMaxLength(50);
            e.Property(c => c.Status).HasMaxLength(32);
            e.Property(c => c.State).HasMaxLength(64);
            e.Property(c => c.Source).HasMaxLength(16);
            e.Property(c => c.Price).HasPrecision(10, 2);
            e.Property(c => c.AgreementText).HasMaxLength(100000);
            e.Property(c => c.TerminationReason).HasMaxLength(200);
            e.Property(c => c.WorkflowId).HasMaxLength(64);
            e.Property(c => c.CreatedByName).HasMaxLength(50);
            e.HasMany(c => c.Packages).WithOne().HasForeignKey(p => p.ContractId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(c => c.Number).IsUnique();
            e.HasIndex(c => new { c.ResidentId, c.StartDate });
            e.HasIndex(c => c.OrgPath);
            e.HasIndex(c => new { c.Status, c.EndDate });
            e.HasIndex(c => c.InstanceId);
        });
        modelBuilder.Entity<ContractPackage>(e =>
        {
            e.ToTable("contract_packages");
            e.HasKey(p => new { p.ContractId, p.PackageId });
            e.Property(p => p.PackageName).HasMaxLength(100);
            e.Property(p => p.Kind).HasMaxLength(16);
            e.Property(p => p.Price).HasPrecision(10, 2);
            e.HasIndex(p => p.PackageId);
        });
        modelBuilder.Entity<ContractGuard>(e =>
        {
            e.ToTable("contract_guards");
            e.HasKey(g => g.ResidentId);
            e.Property(g => g.Revision).IsConcurrencyToken();
        });
        modelBuilder.Entity<StoredFile>(e =>
        {
            e.ToTable("files");
            e.Property(f => f.OwnerType).HasMaxLength(32);
            e.Property(f => f.Kind).HasMaxLength(32);
            e.Property(f => f.ContentType).HasMaxLength(64);
            e.Property(f => f.Sha256).HasMaxLength(64);
            e.HasIndex(f => new { f.OwnerType, f.OwnerId });
        });
    }

    private void ConfigureProgrammes(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Jiayi.Data.Programmes.Enrolment>(e =>
        {
            e.ToTable("enrolments");
            e.Property(x => x.ProgrammeId).HasMaxLength(64);
            e.Property(x => x.StopReason).HasMaxLength(100);
            e.Property(x => x.Source).HasMaxLength(16);
            e.Property(x => x.Attributes).HasColumnType(JsonColumnType);
            e.Property(x => x.Note).HasMaxLength(500);
            e.Property(x => x.OrgPath).HasMaxLength(400);
            e.Property(x => x.CreatedByName).HasMaxLength(50);
            // One open enrolment per resident and programme, even when two saves race.
            e.HasIndex(x => new { x.ResidentId, x.ProgrammeId }).IsUnique().HasFilter("\"StoppedOn\" IS NULL");
            e.HasIndex(x => new { x.ProgrammeId, x.StoppedOn });
            e.HasIndex(x => x.OrgPath);
        });
        modelBuilder.Entity<DefinitionVersion>(e =>
        {
            e.ToTable("definition_versions");
            e.HasKey(d => new { d.Kind, d.DefinitionId, d.Version });
            e.Property(d => d.Kind).HasMaxLength(32);
            e.Property(d => d.DefinitionId).HasMaxLength(64);
            e.Property(d => d.Title).HasMaxLength(200);
            e.Property(d => d.ContentHash).HasMaxLength(64);
            e.Property(d => d.Status).HasMaxLength(16);
            e.Property(d => d.Source).HasMaxLength(300);
            e.Property(d => d.Content).HasColumnType(JsonColumnType);
        });
        modelBuilder.Entity<HisVisit>(e =>
        {
            e.ToTable("his_visits");
            e.Property(v => v.EventId).HasMaxLength(100);
            e.HasIndex(v => v.EventId).IsUnique();
            e.Property(v => v.Kind).HasMaxLength(16);
            e.Property(v => v.InstitutionCode).HasMaxLength(64);
            e.Property(v => v.InstitutionName).HasMaxLength(200);
            e.Property(v => v.Department).HasMaxLength(100);
            e.Property(v => v.DoctorName).HasMaxLength(50);
            e.Property(v => v.Diagnoses).HasColumnType(JsonColumnType);
            e.Property(v => v.Prescriptions).HasColumnType(JsonColumnType);
            e.Property(v => v.OrgPath).HasMaxLength(400);
            e.HasIndex(v => new { v.ResidentId, v.VisitDate });
            e.HasIndex(v => v.OrgPath);
        });
        modelBuilder.Entity<InboundRejection>(e =>
        {
            e.ToTable("inbound_rejections");
            e.Property(r => r.Channel).HasMaxLength(32);
            e.Property(r => r.EventId).HasMaxLength(100);
            e.Property(r => r.Reason).HasMaxLength(4000);
            e.Property(r => r.Status).HasMaxLength(16);
            e.Property(r => r.ResolvedByName).HasMaxLength(50);
            e.Property(r => r.Note).HasMaxLength(500);
            e.HasIndex(r => new { r.Channel, r.Status, r.ReceivedAt });
            e.HasIndex(r => new { r.Channel, r.EventId });
        });
    }

    /// <summary>The store type of JSON documents: <c>jsonb</c> on PostgreSQL, text on SQLite.</summary>
    protected abstract string JsonColumnType { get; }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var modelBuilder = builder;
        base.OnModelCreating(modelBuilder);
        ConfigureAccess(modelBuilder);
        ConfigureResidents(modelBuilder);
        ConfigureOperations(modelBuilder);
        ConfigureWorkflows(modelBuilder);
        ConfigureContracts(modelBuilder);
        ConfigureProgrammes(modelBuilder);
        modelBuilder.Entity<FormDefinitionVersion>(e =>
        {
            e.ToTable("form_definitions");
            e.HasKey(d => new { d.FormId, d.Version });
            e.Property(d => d.FormId).HasMaxLength(64);
            e.Property(d => d.Title).HasMaxLength(200);
            e.Property(d => d.ContentHash).HasMaxLength(64);
            e.Property(d => d.Status).HasMaxLength(16);
            e.Property(d => d.Source).HasMaxLength(300);
            e.Property(d => d.Content).HasColumnType(JsonColumnType);
        });

        modelBuilder.Entity<Organization>(e =>
        {
            e.ToTable("organizations");
            e.Property(o => o.Code).HasMaxLength(32);
            e.Property(o => o.Name).HasMaxLength(200);
            e.Property(o => o.Kind).HasMaxLength(32);
            e.Property(o => o.Level).HasMaxLength(32);
            e.Property(o => o.Category).HasMaxLength(64);
            e.Property(o => o.Address).HasMaxLength(300);
            e.Property(o => o.ContactPerson).HasMaxLength(50);
            e.Property(o => o.ContactPhone).HasMaxLength(50);
            e.Property(o => o.Path).HasMaxLength(400);
            e.HasIndex(o => o.Path).IsUnique();
            e.HasIndex(o => o.ParentId);
            e.HasIndex(o => new { o.Kind, o.Path });
        });

        modelBuilder.Entity<TeamMember>(e =>
        {
            e.ToTable("team_members");
            e.Property(m => m.Name).HasMaxLength(50);
            e.Property(m => m.Role).HasMaxLength(32);
            e.Property(m => m.Phone).HasMaxLength(50);
            e.HasIndex(m => m.TeamId);
            e.HasIndex(m => m.UserId);
        });

        modelBuilder.Entity<FormRecord>(e =>
        {
            e.ToTable("form_records");
            e.Property(r => r.FormId).HasMaxLength(64);
            e.Property(r => r.OrgPath).HasMaxLength(400);
            e.Property(r => r.AuthorName).HasMaxLength(50);
            e.HasIndex(r => r.AuthorId);
            e.Property(r => r.Status).HasMaxLength(16);
            e.Property(r => r.Data).HasColumnType(JsonColumnType);
            e.Property(r => r.Scores).HasColumnType(JsonColumnType);
            e.Property(r => r.Outcomes).HasColumnType(JsonColumnType);
            e.HasIndex(r => new { r.FormId, r.OccurredOn });
            e.HasIndex(r => new { r.SubjectId, r.OccurredOn });
            e.HasIndex(r => r.OrgPath);
        });
    }
}

public sealed class SqliteJiayiDbContext(DbContextOptions<SqliteJiayiDbContext> options) : JiayiDbContext(options)
{
    protected override string JsonColumnType => "TEXT";
}

public sealed class PostgreSqlJiayiDbContext(DbContextOptions<PostgreSqlJiayiDbContext> options) : JiayiDbContext(options)
{
    protected override string JsonColumnType => "jsonb";

    /// <summary>
    /// Data scope is a prefix match on materialised paths (<c>LIKE '/61/6104/610402/%'</c>); with
    /// <c>text_pattern_ops</c> PostgreSQL can use the path indexes for it whatever the database collation.
    /// </summary>
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<Organization>().HasIndex(o => o.Path).HasOperators("text_pattern_ops");
        builder.Entity<Resident>().HasIndex(r => r.OrgPath).HasOperators("text_pattern_ops");
        builder.Entity<Household>().HasIndex(h => h.OrgPath).HasOperators("text_pattern_ops");
        builder.Entity<FormRecord>().HasIndex(r => r.OrgPath).HasOperators("text_pattern_ops");
        builder.Entity<AuditEntry>().HasIndex(a => a.OrgPath).HasOperators("text_pattern_ops");
        builder.Entity<WorkflowInstance>().HasIndex(i => i.OrgPath).HasOperators("text_pattern_ops");
        builder.Entity<WorkflowHistoryEntry>().HasIndex(h => h.OrgPath).HasOperators("text_pattern_ops");
        builder.Entity<WorkflowHistoryEntry>().HasIndex(h => h.ActorOrgPath).HasOperators("text_pattern_ops");
        builder.Entity<WorkItem>().HasIndex(w => w.OrgPath).HasOperators("text_pattern_ops");
        builder.Entity<ServicePackage>().HasIndex(p => p.IssuerOrgPath).HasOperators("text_pattern_ops");
        builder.Entity<Contract>().HasIndex(c => c.OrgPath).HasOperators("text_pattern_ops");
        builder.Entity<FollowUp>().HasIndex(f => f.OrgPath).HasOperators("text_pattern_ops");
        builder.Entity<Jiayi.Data.Programmes.Enrolment>().HasIndex(x => x.OrgPath).HasOperators("text_pattern_ops");
        builder.Entity<HisVisit>().HasIndex(v => v.OrgPath).HasOperators("text_pattern_ops");
    }
}
