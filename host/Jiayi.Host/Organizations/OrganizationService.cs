using System.Globalization;
using System.Text.Json.Serialization;
using Jiayi.Data;
using Jiayi.Data.Organizations;
using Jiayi.Engine.Forms;
using Jiayi.Host.Access;
using Jiayi.Host.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Organizations;

/// <summary>A node as lists and detail pages show it; a team's detail carries its members.</summary>
public sealed record OrganizationView(
    Guid Id,
    string Code,
    string Name,
    string Kind,
    string KindName,
    string? Level,
    string? Category,
    int? Beds,
    string? Address,
    string? ContactPerson,
    string? ContactPhone,
    Guid? ParentId,
    string? ParentName,
    string Path,
    bool IsActive,
    int ChildCount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TeamMemberView>? Members = null);

public sealed record OrganizationPage(IReadOnlyList<OrganizationView> Items, int Total, int Page, int PageSize);

/// <summary>List filters: kind, direct parent, name or code (contains).</summary>
public sealed record OrganizationQuery(string? Kind, Guid? ParentId, string? Q, int Page, int PageSize);

/// <summary>A node of the organisation tree the UI shows, with its children in path order.</summary>
public sealed record OrganizationTreeNode(Guid Id, string Code, string Name, string Kind, bool IsActive, IReadOnlyList<OrganizationTreeNode> Children);

/// <summary>One refused row of an import: the Excel row number, the column and why.</summary>
public sealed record ImportRowError(int Row, string Column, string Reason);

public sealed record OrganizationImportResult(int Imported, int Skipped, IReadOnlyList<ImportRowError> Errors);

/// <summary>
/// The organisation tree within the caller's data scope: health departments, medical institutions and
/// family-doctor teams created, changed and removed under the rules of <see cref="OrganizationRules"/>,
/// teams' members (<see cref="TeamMemberService"/>), and institutions imported from Excel in one save.
/// Divisions come from the reference definitions and are read-only here.
/// </summary>
public sealed class OrganizationService(IDbContextFactory<JiayiDbContext> databases, Clock clock)
{
    public async Task<OrganizationPage> ListAsync(AccessInfo access, OrganizationQuery query, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var nodes = InScope(db, access).AsNoTracking();
        if (query.Kind is { } kind)
        {
            nodes = nodes.Where(o => o.Kind == kind);
        }

        if (query.ParentId is { } parentId)
        {
            nodes = nodes.Where(o => o.ParentId == parentId);
        }

        if (query.Q is { } q)
        {
            nodes = nodes.Where(o => o.Name.Contains(q) || o.Code.Contains(q));
        }

        var total = await nodes.CountAsync(cancellationToken);
        var rows = await nodes.OrderBy(o => o.Path).Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .Select(o => new { Node = o, Children = db.Organizations.Count(c => c.ParentId == o.Id) })
            .ToListAsync(cancellationToken);
        var parentIds = rows.Select(r => r.Node.ParentId).OfType<Guid>().Distinct().ToList();
        var parents = await db.Organizations.AsNoTracking().Where(o => parentIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        var items = rows.Select(r => View(r.Node, r.Node.ParentId is { } p ? parents.GetValueOrDefault(p) : null, r.Children, null)).ToList();
        return new OrganizationPage(items, total, query.Page, query.PageSize);
    }

    /// <summary>The subtree under the caller's scope node (or <paramref name="rootId"/>, when in scope), read in one query and nested in memory.</summary>
    public async Task<OrganizationTreeNode> TreeAsync(AccessInfo access, Guid? rootId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rootPath = access.ScopePath;
        if (rootId is { } id)
        {
            rootPath = await InScope(db, access).Where(o => o.Id == id).Select(o => o.Path).SingleOrDefaultAsync(cancellationToken) ?? throw NotFound(id);
        }

        var rows = await db.Organizations.AsNoTracking().Where(o => o.Path.StartsWith(rootPath)).OrderBy(o => o.Path)
            .Select(o => new { o.Id, o.Code, o.Name, o.Kind, o.IsActive, o.ParentId, o.Path })
            .ToListAsync(cancellationToken);
        var children = rows.ToDictionary(r => r.Id, _ => new List<OrganizationTreeNode>());
        var nodes = rows.ToDictionary(r => r.Id, r => new OrganizationTreeNode(r.Id, r.Code, r.Name, r.Kind, r.IsActive, children[r.Id]));
        OrganizationTreeNode? root = null;
        foreach (var row in rows)
        {
            if (row.Path == rootPath)
            {
                root = nodes[row.Id];
            }
            else if (row.ParentId is { } parentId && children.TryGetValue(parentId, out var siblings))
            {
                siblings.Add(nodes[row.Id]);
            }
        }

        return root ?? throw new ProblemException(StatusCodes.Status404NotFound, "organization-not-found", "机构不存在", "您所在的机构已不在机构树中，请联系管理员");
    }

    public async Task<OrganizationView> GetAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var node = await InScope(db, access).AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, cancellationToken) ?? throw NotFound(id);
        return await ViewAsync(db, node, cancellationToken);
    }

    public async Task<OrganizationView> CreateAsync(AccessInfo access, OrganizationInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var errors = new List<ValidationError>();
        var kind = input.Kind;
        if (kind is null)
        {
            errors.Add(new ValidationError("/kind", ErrorCodes.Required, "请选择类型 kind"));
        }
        else if (!OrganizationRules.CreatableKinds.Contains(kind))
        {
            errors.Add(new ValidationError("/kind", ErrorCodes.Enum, "类型应为 health-department（卫生部门）、institution（医疗机构）或 team（家庭医生团队）；行政区划由参考数据维护，不能通过接口添加"));
        }

        Organization? parent = null;
        if (input.ParentId is not { } parentId)
        {
            errors.Add(new ValidationError("/parentId", ErrorCodes.Required, "请选择上级 parentId"));
        }
        else if ((parent = await InScope(db, access).AsNoTracking().SingleOrDefaultAsync(o => o.Id == parentId, cancellationToken)) is null)
        {
            errors.Add(new ValidationError("/parentId", "not-found", "上级不存在或不在您的管辖范围内"));
        }
        else if (errors.Count == 0 && OrganizationRules.ParentProblem(kind!, parent.Kind) is { } problem)
        {
            errors.Add(new ValidationError("/parentId", "parent-kind", $"{problem}，“{parent.Name}”是{OrganizationKinds.Names.GetValueOrDefault(parent.Kind, parent.Kind)}"));
        }

        var fields = OrganizationRules.Check(kind ?? "", input, errors);
        var path = parent is null ? "" : parent.Path + fields.Code + "/";
        OrganizationRules.CheckPath(path, errors);
        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        var node = new Organization
        {
            Code = fields.Code,
            Name = fields.Name,
            Kind = kind!,
            ParentId = parent!.Id,
            Path = path,
            CreatedAt = clock.UtcNow,
            UpdatedAt = clock.UtcNow,
        };
        Apply(node, fields);
        db.Organizations.Add(node);
        await SaveUniqueAsync(db, node, cancellationToken);
        return await ViewAsync(db, node, cancellationToken);
    }

    /// <summary>Changes a node (not its kind or parent); its code only while nothing hangs on its path.</summary>
    public async Task<OrganizationView> UpdateAsync(AccessInfo access, Guid id, OrganizationInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var node = await InScope(db, access).SingleOrDefaultAsync(o => o.Id == id, cancellationToken) ?? throw NotFound(id);
        if (node.Kind == OrganizationKinds.Division)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "division-read-only", "行政区划不能修改", $"“{node.Name}”是行政区划，由参考数据（definitions/reference）维护，不能通过接口修改");
        }

        var errors = new List<ValidationError>();
        if (input.Kind is { } kind && kind != node.Kind)
        {
            errors.Add(new ValidationError("/kind", "immutable", "类型不能修改：如需改变，请新建节点"));
        }

        if (input.ParentId is { } parentId && parentId != node.ParentId)
        {
            errors.Add(new ValidationError("/parentId", "immutable", "上级不能修改：路径和数据范围依赖于它"));
        }

        var fields = OrganizationRules.Check(node.Kind, input, errors);
        var path = node.Path[..^(node.Code.Length + 1)] + fields.Code + "/";
        OrganizationRules.CheckPath(path, errors);
        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        if (path != node.Path)
        {
            if (await InUseAsync(db, node, users: false, cancellationToken) is { Count: > 0 } reasons)
            {
                throw new ProblemException(StatusCodes.Status409Conflict, "code-locked", "代码不能修改", $"“{node.Name}”下有 {string.Join("、", reasons)}，它们的数据范围依赖此代码，不能修改代码", [new ValidationError("/code", "locked", "已有下级节点或数据，代码不能修改")]);
            }

            node.Code = fields.Code;
            node.Path = path;
        }

        node.Name = fields.Name;
        Apply(node, fields);
        node.IsActive = input.IsActive ?? node.IsActive;
        node.UpdatedAt = clock.UtcNow;
        await SaveUniqueAsync(db, node, cancellationToken);
        return await ViewAsync(db, node, cancellationToken);
    }

    /// <summary>Removes a node nothing depends on (with a team's member list); divisions are never removed here.</summary>
    public async Task DeleteAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var node = await InScope(db, access).SingleOrDefaultAsync(o => o.Id == id, cancellationToken) ?? throw NotFound(id);
        if (node.Kind == OrganizationKinds.Division)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "division-read-only", "行政区划不能删除", $"“{node.Name}”是行政区划，由参考数据维护，不能删除；撤销的区划请在参考数据中标为停用");
        }

        if (await InUseAsync(db, node, users: true, cancellationToken) is { Count: > 0 } reasons)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "organization-in-use", "不能删除", $"“{node.Name}”下有 {string.Join("、", reasons)}，不能删除；如已撤销，请改为停用");
        }

        db.TeamMembers.RemoveRange(await db.TeamMembers.Where(m => m.TeamId == id).ToListAsync(cancellationToken));
        db.Organizations.Remove(node);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Imports medical institutions from sheet rows in one save (one log entry for the batch). Each row is checked
    /// like <see cref="CreateAsync"/>; its parent is found by code among the divisions and institutions in scope,
    /// or among earlier rows; an institution already at its path is skipped, so a file can be imported twice.
    /// </summary>
    public async Task<OrganizationImportResult> ImportAsync(AccessInfo access, string fileName, IReadOnlyList<SheetRow> rows, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = access.ScopePath;
        var codes = rows.SelectMany(r => new[] { r[InstitutionSheet.Code], r[InstitutionSheet.ParentCode] }).OfType<string>().Distinct().ToList();
        var known = await db.Organizations.AsNoTracking().Where(o => o.Path.StartsWith(scope) && codes.Contains(o.Code))
            .Select(o => new ImportNode(o.Id, o.Code, o.Name, o.Kind, o.Path))
            .ToListAsync(cancellationToken);
        var existing = known.ToDictionary(n => n.Path, StringComparer.Ordinal);
        var parents = known.Where(n => n.Kind is OrganizationKinds.Division or OrganizationKinds.Institution)
            .GroupBy(n => n.Code, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var fromFile = new Dictionary<string, int>(StringComparer.Ordinal);
        var errors = new List<ImportRowError>();
        var skipped = 0;
        foreach (var row in rows)
        {
            var rowErrors = new List<ValidationError>();
            var parent = ImportParent(row[InstitutionSheet.ParentCode], parents, rowErrors);
            var input = new OrganizationInput(
                OrganizationKinds.Institution, row[InstitutionSheet.Code], row[InstitutionSheet.Name], parent?.Id, row[InstitutionSheet.Level], row[InstitutionSheet.Category],
                ImportBeds(row[InstitutionSheet.Beds], rowErrors), row[InstitutionSheet.Address], row[InstitutionSheet.ContactPerson], row[InstitutionSheet.ContactPhone]);
            var fields = OrganizationRules.Check(OrganizationKinds.Institution, input, rowErrors);
            if (parent is not null && !rowErrors.Exists(e => e.Path == "/code"))
            {
                var path = parent.Path + fields.Code + "/";
                OrganizationRules.CheckPath(path, rowErrors);
                if (existing.TryGetValue(path, out var there) && there.Kind == OrganizationKinds.Institution)
                {
                    skipped++;
                    continue;
                }

                if (there is not null)
                {
                    rowErrors.Add(new ValidationError("/code", "duplicate", $"该代码已被{OrganizationKinds.Names.GetValueOrDefault(there.Kind, there.Kind)}“{there.Name}”使用"));
                }
                else if (fromFile.TryGetValue(path, out var earlier))
                {
                    rowErrors.Add(new ValidationError("/code", "duplicate", $"与第 {earlier} 行的机构重复"));
                }

                if (rowErrors.Count == 0)
                {
                    var node = new Organization
                    {
                        Code = fields.Code,
                        Name = fields.Name,
                        Kind = OrganizationKinds.Institution,
                        ParentId = parent.Id,
                        Path = path,
                        CreatedAt = clock.UtcNow,
                        UpdatedAt = clock.UtcNow,
                    };
                    Apply(node, fields);
                    db.Organizations.Add(node);
                    fromFile[path] = row.Row;
                    var added = new ImportNode(node.Id, node.Code, node.Name, node.Kind, path);
                    parents[node.Code] = [.. parents.GetValueOrDefault(node.Code) ?? [], added];
                }
            }

            errors.AddRange(rowErrors.Select(e => new ImportRowError(row.Row, InstitutionSheet.ColumnOf(e.Path), e.Message)));
        }

        if (fromFile.Count > 0)
        {
            db.AuditBatchSummary = $"批量导入医疗机构（{fileName}）";
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                throw new ProblemException(StatusCodes.Status409Conflict, "import-conflict", "导入冲突", "保存时发现部分机构刚被他人添加，本次没有导入任何机构；请重新导入（已存在的机构会自动跳过）");
            }
        }

        return new OrganizationImportResult(fromFile.Count, skipped, errors);
    }

    private sealed record ImportNode(Guid Id, string Code, string Name, string Kind, string Path);

    private static ImportNode? ImportParent(string? code, Dictionary<string, List<ImportNode>> parents, List<ValidationError> errors)
    {
        if (code is null)
        {
            errors.Add(new ValidationError("/parentId", ErrorCodes.Required, "请填写上级代码"));
            return null;
        }

        switch (parents.GetValueOrDefault(code))
        {
            case [var parent]:
                return parent;
            case [_, _, ..] several:
                errors.Add(new ValidationError("/parentId", "ambiguous", $"上级代码“{code}”对应多个节点（{string.Join("、", several.Select(p => p.Name))}），请在系统中逐个添加"));
                return null;
            default:
                errors.Add(new ValidationError("/parentId", "not-found", $"上级代码“{code}”不是您管辖范围内的行政区划或医疗机构（同一文件中的上级须写在前面的行）"));
                return null;
        }
    }

    private static int? ImportBeds(string? text, List<ValidationError> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var beds))
        {
            errors.Add(new ValidationError("/beds", ErrorCodes.Type, $"床位数应为 0～{OrganizationRules.MaxBeds} 之间的整数，“{text}”不是整数"));
            return null;
        }

        return beds;
    }

    internal static IQueryable<Organization> InScope(JiayiDbContext db, AccessInfo access)
    {
        var scope = access.ScopePath;
        return db.Organizations.Where(o => o.Path.StartsWith(scope));
    }

    internal static ProblemException NotFound(Guid id) =>
        new(StatusCodes.Status404NotFound, "organization-not-found", "机构不存在", $"没有编号为“{id}”的机构、部门或团队，或不在您的管辖范围内");

    /// <summary>What hangs on a node's path (and, for deletion, its id), each as a count and a noun (“3 名居民”); none when free.</summary>
    private static async Task<List<string>> InUseAsync(JiayiDbContext db, Organization node, bool users, CancellationToken cancellationToken)
    {
        var id = node.Id;
        var path = node.Path;
        var reasons = new List<string>();
        Add(await db.Organizations.CountAsync(o => o.ParentId == id, cancellationToken), "个下级节点");
        Add(await db.Residents.CountAsync(r => r.OrgPath.StartsWith(path), cancellationToken), "名居民");
        Add(await db.Households.CountAsync(h => h.OrgPath.StartsWith(path), cancellationToken), "个家庭");
        Add(await db.Records.CountAsync(r => r.OrgPath != null && r.OrgPath.StartsWith(path), cancellationToken), "条服务记录");
        if (users)
        {
            Add(await db.Users.CountAsync(u => u.OrgId == id || u.TeamId == id, cancellationToken), "个用户账号");
        }

        return reasons;

        void Add(int count, string what)
        {
            if (count > 0)
            {
                reasons.Add($"{count} {what}");
            }
        }
    }

    /// <summary>Saves, turning a taken path (checked first, or a race on the unique index) into 409 at <c>/code</c>.</summary>
    private static async Task SaveUniqueAsync(JiayiDbContext db, Organization node, CancellationToken cancellationToken)
    {
        var path = node.Path;
        var id = node.Id;
        if (await db.Organizations.AnyAsync(o => o.Path == path && o.Id != id, cancellationToken))
        {
            throw Duplicate(node.Code);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw Duplicate(node.Code);
        }
    }

    private static ProblemException Duplicate(string code) =>
        new(StatusCodes.Status409Conflict, "duplicate-code", "代码重复", $"同一上级下已有代码为“{code}”的节点", [new ValidationError("/code", "duplicate", "同一上级下已有此代码")]);

    private static void Apply(Organization node, OrganizationFields fields)
    {
        node.Level = fields.Level;
        node.Category = fields.Category;
        node.Beds = fields.Beds;
        node.Address = fields.Address;
        node.ContactPerson = fields.ContactPerson;
        node.ContactPhone = fields.ContactPhone;
    }

    private static async Task<OrganizationView> ViewAsync(JiayiDbContext db, Organization node, CancellationToken cancellationToken)
    {
        var id = node.Id;
        var parentName = node.ParentId is { } parentId
            ? await db.Organizations.AsNoTracking().Where(o => o.Id == parentId).Select(o => o.Name).FirstOrDefaultAsync(cancellationToken)
            : null;
        var children = await db.Organizations.CountAsync(o => o.ParentId == id, cancellationToken);
        var members = node.Kind == OrganizationKinds.Team ? await TeamMemberService.ViewsAsync(db, id, cancellationToken) : null;
        return View(node, parentName, children, members);
    }

    private static OrganizationView View(Organization o, string? parentName, int children, IReadOnlyList<TeamMemberView>? members) => new(
        o.Id, o.Code, o.Name, o.Kind, OrganizationKinds.Names.GetValueOrDefault(o.Kind, o.Kind), o.Level, o.Category, o.Beds, o.Address,
        o.ContactPerson, o.ContactPhone, o.ParentId, parentName, o.Path, o.IsActive, children, members);
}
