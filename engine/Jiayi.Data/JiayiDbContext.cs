using Jiayi.Data.Access;
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
    }
}
