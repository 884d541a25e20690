using Jiayi.Data.Definitions;
using Jiayi.Data.Organizations;
using Jiayi.Data.Records;
using Jiayi.Data.Residents;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Data;

/// <summary>
/// The one EF Core model. Each provider has its own subclass (<see cref="SqliteJiayiDbContext"/>,
/// <see cref="PostgreSqlJiayiDbContext"/>) so that each gets its own cached model and migrations set;
/// the application depends on this base type only.
/// </summary>
public abstract class JiayiDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<FormDefinitionVersion> FormDefinitions => Set<FormDefinitionVersion>();

    public DbSet<Organization> Organizations => Set<Organization>();

    public DbSet<Resident> Residents => Set<Resident>();

    public DbSet<FormRecord> Records => Set<FormRecord>();

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

    /// <summary>The store type of JSON documents: <c>jsonb</c> on PostgreSQL, text on SQLite.</summary>
    protected abstract string JsonColumnType { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
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
            e.Property(o => o.Path).HasMaxLength(400);
            e.HasIndex(o => o.Path).IsUnique();
            e.HasIndex(o => o.ParentId);
        });

        modelBuilder.Entity<Resident>(e =>
        {
            e.ToTable("residents");
            e.Property(r => r.Name).HasMaxLength(50);
            e.Property(r => r.Sex).HasMaxLength(4);
            e.Property(r => r.OrgPath).HasMaxLength(400);
            e.HasIndex(r => r.OrgPath);
        });

        modelBuilder.Entity<FormRecord>(e =>
        {
            e.ToTable("form_records");
            e.Property(r => r.FormId).HasMaxLength(64);
            e.Property(r => r.OrgPath).HasMaxLength(400);
            e.Property(r => r.AuthorName).HasMaxLength(50);
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
}
