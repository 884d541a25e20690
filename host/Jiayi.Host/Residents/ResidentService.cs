using Jiayi.Data;
using Jiayi.Data.Audit;
using Jiayi.Data.Organizations;
using Jiayi.Data.Residents;
using Jiayi.Engine.Expressions;
using Jiayi.Engine.Forms;
using Jiayi.Engine.Identity;
using Jiayi.Host.Access;
using Jiayi.Host.Audit;
using Jiayi.Host.Infrastructure;
using Jiayi.Host.Parameters;
using Jiayi.Host.Security;
using Microsoft.EntityFrameworkCore;

namespace Jiayi.Host.Residents;

/// <summary>What a client sends to create or change a resident.</summary>
public sealed record ResidentInput(
    string? Name,
    string? IdNumber,
    string? Phone,
    string? Sex = null,
    DateOnly? BirthDate = null,
    Guid? AddressDivisionId = null,
    string? AddressDetail = null,
    Guid? HouseholdId = null,
    string? RelationToHead = null,
    Guid? OrgId = null,
    IReadOnlyList<string>? Tags = null);

/// <summary>A resident as lists and detail pages show them: identifiers masked.</summary>
public sealed record ResidentView(
    Guid Id,
    string Name,
    string Sex,
    DateOnly BirthDate,
    int Age,
    string IdNumber,
    string? Phone,
    Guid? AddressDivisionId,
    string? Address,
    string? AddressDetail,
    Guid? HouseholdId,
    string? RelationToHead,
    Guid OrgId,
    string OrgName,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> TagNames,
    DateTime CreatedAt,
    DateTime UpdatedAt);

/// <summary>The full identifiers, for users allowed to see them; every read is logged.</summary>
public sealed record ResidentIdentifiers(Guid Id, string IdNumber, string? Phone);

/// <summary>A household (家庭): its head and members as lists show residents.</summary>
public sealed record HouseholdView(Guid Id, Guid? HeadResidentId, string? HeadName, string? Address, IReadOnlyList<ResidentView> Members);

public sealed record ResidentPage(IReadOnlyList<ResidentView> Items, int Total, int Page, int PageSize);

/// <summary>
/// Residents (W1.1) within the caller's data scope: ID numbers checked (GB 11643) and the birth date and sex
/// derived from them; ID and phone numbers encrypted, searchable by keyed hash, shown masked; reads of
/// personal data logged.
/// </summary>
public sealed class ResidentService(IDbContextFactory<JiayiDbContext> databases, FieldProtector protector, SystemParameters parameters, Programmes.EnrolmentService enrolments, AuditLog audit, Clock clock)
{
    public async Task<ResidentView> CreateAsync(AccessInfo access, ResidentInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var checkedInput = await CheckAsync(db, access, input, null, cancellationToken);
        var resident = NewResident(protector, checkedInput.Name, checkedInput.IdNumber, checkedInput.Sex, checkedInput.BirthDate, checkedInput.Org, clock.UtcNow);
        Apply(resident, checkedInput);
        db.Residents.Add(resident);
        await SetHeadAsync(db, resident, cancellationToken);
        await SaveUniqueAsync(db, checkedInput.IdNumber, cancellationToken);
        await enrolments.SyncAgeAsync([resident.Id], cancellationToken);
        return await ViewAsync(db, resident, cancellationToken);
    }

    public async Task<ResidentView> UpdateAsync(AccessInfo access, Guid id, ResidentInput input, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var resident = await InScope(db, access).SingleOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw NotFound(id);
        var checkedInput = await CheckAsync(db, access, input, resident, cancellationToken);
        if (protector.Hash(checkedInput.IdNumber) != resident.IdNumberHash)
        {
            resident.IdNumberCipher = protector.Encrypt(checkedInput.IdNumber);
            resident.IdNumberHash = protector.Hash(checkedInput.IdNumber);
            resident.IdNumberMasked = ChineseIdNumber.Mask(checkedInput.IdNumber);
        }

        resident.Name = checkedInput.Name;
        resident.Sex = checkedInput.Sex;
        resident.BirthDate = checkedInput.BirthDate;
        resident.OrgId = checkedInput.Org.Id;
        resident.OrgPath = checkedInput.Org.Path;
        resident.UpdatedAt = clock.UtcNow;
        Apply(resident, checkedInput);
        await SetHeadAsync(db, resident, cancellationToken);
        await SaveUniqueAsync(db, checkedInput.IdNumber, cancellationToken);
        await enrolments.SyncAgeAsync([resident.Id], cancellationToken);
        return await ViewAsync(db, resident, cancellationToken);
    }

    public async Task DeleteAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var resident = await InScope(db, access).SingleOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw NotFound(id);
        if (await db.Records.AnyAsync(r => r.SubjectId == id, cancellationToken))
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "resident-has-records", "不能删除", $"居民“{resident.Name}”已有服务记录，不能删除；如已迁出或死亡，请修改其管理机构或信息");
        }

        db.Residents.Remove(resident);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<ResidentView> GetAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var resident = await InScope(db, access).AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw NotFound(id);
        await audit.RecordAsync(AuditActions.Read, "resident", id.ToString(), $"查看居民“{resident.Name}”的信息", cancellationToken);
        return await ViewAsync(db, resident, cancellationToken);
    }

    /// <summary>The full ID and phone numbers; requires <see cref="ResidentPermissions.ViewSensitive"/> (checked by the caller) and is always logged.</summary>
    public async Task<ResidentIdentifiers> IdentifiersAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var resident = await InScope(db, access).AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw NotFound(id);
        await audit.RecordAsync(AuditActions.ViewSensitive, "resident", id.ToString(), $"查看居民“{resident.Name}”的完整身份证号和电话", cancellationToken);
        return new ResidentIdentifiers(id, protector.Decrypt(resident.IdNumberCipher), resident.PhoneCipher is { } phone ? protector.Decrypt(phone) : null);
    }

    /// <summary>
    /// Residents in scope, by name (contains), or exactly by ID number or phone number (through their keyed
    /// hashes: identifiers are never searched in clear text), optionally with a key-population tag.
    /// </summary>
    public async Task<ResidentPage> ListAsync(AccessInfo access, string? q, string? tag, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var residents = InScope(db, access).AsNoTracking();
        var term = q?.Trim();
        if (!string.IsNullOrEmpty(term))
        {
            var id = ChineseIdNumber.Parse(term, clock.Today);
            if (id.IsValid)
            {
                var hash = protector.Hash(id.Normalized!);
                residents = residents.Where(r => r.IdNumberHash == hash);
            }
            else if (term.All(char.IsAsciiDigit) && term.Length >= 7)
            {
                var hash = protector.Hash(term);
                residents = residents.Where(r => r.PhoneHash == hash);
            }
            else
            {
                residents = residents.Where(r => r.Name.Contains(term));
            }
        }

        if (!string.IsNullOrEmpty(tag))
        {
            residents = await WithTagAsync(residents, tag, cancellationToken);
        }

        var total = await residents.CountAsync(cancellationToken);
        var rows = await residents.OrderBy(r => r.Name).ThenBy(r => r.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var views = await ViewsAsync(db, rows, cancellationToken);

        var searched = string.IsNullOrEmpty(term) ? "" : $"，查询“{MaskTerm(term)}”";
        await audit.RecordAsync(AuditActions.Read, "resident", null, $"查看居民列表：第 {page} 页 {rows.Count} 人{searched}", cancellationToken);
        return new ResidentPage(views, total, page, pageSize);
    }

    private async Task<IQueryable<Resident>> WithTagAsync(IQueryable<Resident> residents, string tag, CancellationToken cancellationToken)
    {
        var snapshot = await parameters.CurrentAsync(cancellationToken);
        var today = clock.Today;
        switch (tag)
        {
            case KeyPopulations.Elderly:
                var bornBy = today.AddYears(-snapshot.Whole("population.elderly_age"));
                return residents.Where(r => r.BirthDate <= bornBy);
            case KeyPopulations.Child:
                var bornAfter = today.AddYears(-(snapshot.Whole("population.child_max_age") + 1));
                return residents.Where(r => r.BirthDate > bornAfter);
            default:
                if (!KeyPopulations.Recorded.Contains(tag))
                {
                    throw ProblemException.Invalid("/tag", ErrorCodes.Enum, $"未知的重点人群“{tag}”，可选：{string.Join("、", KeyPopulations.All.Select(p => $"{p.Code}（{p.Name}）"))}");
                }

                return residents.Where(r => r.Tags.Contains(tag));
        }
    }

    private static string MaskTerm(string term) =>
        term.Length >= 7 && term.Count(char.IsAsciiDigit) >= 7 ? (term.Length == 18 ? ChineseIdNumber.Mask(term) : ChineseIdNumber.MaskPhone(term)) : term;

    internal static IQueryable<Resident> InScope(JiayiDbContext db, AccessInfo access)
    {
        var scope = access.ScopePath;
        return db.Residents.Where(r => r.OrgPath.StartsWith(scope));
    }

    private static ProblemException NotFound(Guid id) =>
        new(StatusCodes.Status404NotFound, "resident-not-found", "居民不存在", $"没有编号为“{id}”的居民，或不在您的管辖范围内");

    private sealed record CheckedInput(string Name, string IdNumber, string Sex, DateOnly BirthDate, string? Phone, Organization Org, Guid? AddressDivisionId, string? AddressDetail, Guid? HouseholdId, string? RelationToHead, List<string> Tags);

    /// <summary>Checks every field, reporting all problems at once with their paths; nothing is written on failure.</summary>
    private async Task<CheckedInput> CheckAsync(JiayiDbContext db, AccessInfo access, ResidentInput input, Resident? existing, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        var name = ResidentRules.Name(input.Name, errors);
        var id = ResidentRules.IdNumber(input.IdNumber, input.Sex, input.BirthDate, clock.Today, errors);
        var phone = ResidentRules.Phone(input.Phone, errors);
        var org = await OrgAsync(db, access, input.OrgId ?? existing?.OrgId, errors, cancellationToken);
        if (input.AddressDivisionId is { } division && !await db.Organizations.AnyAsync(o => o.Id == division && o.Kind == OrganizationKinds.Division, cancellationToken))
        {
            errors.Add(new ValidationError("/addressDivisionId", "not-found", "住址所在的行政区划不存在"));
        }

        var detail = ResidentRules.AddressDetail(input.AddressDetail, errors);
        if (input.HouseholdId is { } household)
        {
            var scope = access.ScopePath;
            var found = await db.Households.AsNoTracking().Where(h => h.Id == household && h.OrgPath.StartsWith(scope)).Select(h => new { h.HeadResidentId }).SingleOrDefaultAsync(cancellationToken);
            if (found is null)
            {
                errors.Add(new ValidationError("/householdId", "not-found", "家庭不存在或不在您的管辖范围内"));
            }
            else if (input.RelationToHead == Head && found.HeadResidentId is { } head && head != existing?.Id)
            {
                errors.Add(new ValidationError("/relationToHead", "conflict", "该家庭已有户主：一个家庭只能有一位户主"));
            }

            if (input.RelationToHead is null)
            {
                errors.Add(new ValidationError("/relationToHead", ErrorCodes.Required, "加入家庭时请选择与户主关系"));
            }
        }

        ResidentRules.RelationToHead(input.RelationToHead, errors);
        var tags = ResidentRules.Tags(input.Tags, errors);
        if (errors.Count > 0)
        {
            throw ProblemException.Invalid(errors);
        }

        return new CheckedInput(name!, id.Normalized!, id.Sex!, id.BirthDate!.Value, phone, org!, input.AddressDivisionId, detail, input.HouseholdId, input.HouseholdId is null && input.RelationToHead != Head ? null : input.RelationToHead, tags);
    }

    /// <summary>The managing institution or team: the one asked for (in scope), else the caller's team or organisation.</summary>
    private static async Task<Organization?> OrgAsync(JiayiDbContext db, AccessInfo access, Guid? requested, List<ValidationError> errors, CancellationToken cancellationToken)
    {
        var id = requested ?? access.TeamId ?? access.OrgId;
        var org = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (org is null || !access.InScope(org.Path))
        {
            errors.Add(new ValidationError("/orgId", "not-found", "管理机构不存在或不在您的管辖范围内"));
            return null;
        }

        return ResidentRules.CanManage(org, errors) ? org : null;
    }

    /// <summary>A new resident with the ID number encrypted, hashed and masked: the API and the batch import make them alike.</summary>
    internal static Resident NewResident(FieldProtector protector, string name, string idNumber, string sex, DateOnly birthDate, Organization org, DateTime now) => new()
    {
        Name = name,
        Sex = sex,
        BirthDate = birthDate,
        IdNumberCipher = protector.Encrypt(idNumber),
        IdNumberHash = protector.Hash(idNumber),
        IdNumberMasked = ChineseIdNumber.Mask(idNumber),
        OrgId = org.Id,
        OrgPath = org.Path,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>Stores a phone number encrypted, with the hash and mask of its digits (searchable however it was typed).</summary>
    internal static void SetPhone(Resident resident, string? phone, FieldProtector protector)
    {
        if (phone is not null)
        {
            var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
            resident.PhoneCipher = protector.Encrypt(phone);
            resident.PhoneHash = protector.Hash(digits);
            resident.PhoneMasked = ChineseIdNumber.MaskPhone(digits);
        }
        else
        {
            resident.PhoneCipher = null;
            resident.PhoneHash = null;
            resident.PhoneMasked = null;
        }
    }

    private void Apply(Resident resident, CheckedInput input)
    {
        SetPhone(resident, input.Phone, protector);
        resident.AddressDivisionId = input.AddressDivisionId;
        resident.AddressDetail = input.AddressDetail;
        resident.HouseholdId = input.HouseholdId;
        resident.RelationToHead = input.RelationToHead;
        resident.Tags = input.Tags;
    }

    private const string Head = "户主";

    /// <summary>
    /// A head (户主) joins their household as its head; a head with no household starts one at their address,
    /// which the other members then join by its id.
    /// </summary>
    private static async Task SetHeadAsync(JiayiDbContext db, Resident resident, CancellationToken cancellationToken)
    {
        if (resident.RelationToHead != Head)
        {
            return;
        }

        if (resident.HouseholdId is { } householdId)
        {
            if (await db.Households.SingleOrDefaultAsync(h => h.Id == householdId, cancellationToken) is { } household)
            {
                household.HeadResidentId = resident.Id;
            }

            return;
        }

        var created = new Household
        {
            HeadResidentId = resident.Id,
            AddressDivisionId = resident.AddressDivisionId,
            AddressDetail = resident.AddressDetail,
            OrgId = resident.OrgId,
            OrgPath = resident.OrgPath,
        };
        db.Households.Add(created);
        resident.HouseholdId = created.Id;
    }

    /// <summary>Saves, turning a race on the unique ID-number hash into the same 409 as the check before it.</summary>
    private async Task SaveUniqueAsync(JiayiDbContext db, string idNumber, CancellationToken cancellationToken)
    {
        var hash = protector.Hash(idNumber);
        var mine = db.ChangeTracker.Entries<Resident>().Select(e => e.Entity.Id).ToList();
        if (await db.Residents.AnyAsync(r => r.IdNumberHash == hash && !mine.Contains(r.Id), cancellationToken))
        {
            throw Duplicate(idNumber);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw Duplicate(idNumber);
        }
    }

    private static ProblemException Duplicate(string idNumber) =>
        new(StatusCodes.Status409Conflict, "duplicate-id-number", "身份证号已登记", $"身份证号 {ChineseIdNumber.Mask(idNumber)} 已登记过居民，不能重复登记", [new ValidationError("/idNumber", "duplicate", "该身份证号已登记")]);

    private async Task<ResidentView> ViewAsync(JiayiDbContext db, Resident r, CancellationToken cancellationToken) =>
        (await ViewsAsync(db, [r], cancellationToken))[0];

    /// <summary>Residents as shown, with their managers' names and addresses looked up in two queries for the whole page.</summary>
    internal async Task<IReadOnlyList<ResidentView>> ViewsAsync(JiayiDbContext db, IReadOnlyList<Resident> residents, CancellationToken cancellationToken)
    {
        var snapshot = await parameters.CurrentAsync(cancellationToken);
        var orgIds = residents.Select(r => r.OrgId).Distinct().ToList();
        var orgNames = await db.Organizations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        var addresses = await AddressesAsync(db, [.. residents.Select(r => r.AddressDivisionId).OfType<Guid>().Distinct()], cancellationToken);
        return [.. residents.Select(r =>
        {
            var age = Functions.Age(r.BirthDate, clock.Today);
            var tags = KeyPopulations.Of(r.Tags, age, snapshot.Whole("population.elderly_age"), snapshot.Whole("population.child_max_age"));
            var address = r.AddressDivisionId is { } division ? addresses.GetValueOrDefault(division) : null;
            return new ResidentView(
                r.Id, r.Name, r.Sex, r.BirthDate, age, r.IdNumberMasked, r.PhoneMasked, r.AddressDivisionId,
                address is null ? r.AddressDetail : $"{address}{r.AddressDetail}", r.AddressDetail, r.HouseholdId, r.RelationToHead,
                r.OrgId, orgNames.GetValueOrDefault(r.OrgId, ""), tags, [.. tags.Select(KeyPopulations.NameOf)],
                DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc), DateTime.SpecifyKind(r.UpdatedAt, DateTimeKind.Utc));
        })];
    }

    /// <summary>Each division's names below the city, e.g. 秦都区双照街道西张村 (one query for the paths, one for the names).</summary>
    private static async Task<Dictionary<Guid, string>> AddressesAsync(JiayiDbContext db, List<Guid> divisionIds, CancellationToken cancellationToken)
    {
        if (divisionIds.Count == 0)
        {
            return [];
        }

        var paths = await db.Organizations.AsNoTracking().Where(o => divisionIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Path, cancellationToken);
        var prefixes = paths.Values.SelectMany(Prefixes).Distinct().ToList();
        var names = await db.Organizations.AsNoTracking().Where(o => prefixes.Contains(o.Path)).ToDictionaryAsync(o => o.Path, o => o.Name, cancellationToken);
        // Province and city are the same for everyone a user sees: the address starts at the county.
        return paths.ToDictionary(p => p.Key, p => string.Concat(Prefixes(p.Value).Skip(2).Select(prefix => names.GetValueOrDefault(prefix, ""))));
    }

    /// <summary>"/61/6104/610402/" → "/61/", "/61/6104/", "/61/6104/610402/".</summary>
    private static IEnumerable<string> Prefixes(string path)
    {
        for (var i = path.IndexOf('/', 1); i > 0; i = path.IndexOf('/', i + 1))
        {
            yield return path[..(i + 1)];
        }
    }

    /// <summary>A household in scope with its members (identifiers masked); a read of personal data, logged.</summary>
    public async Task<HouseholdView> HouseholdAsync(AccessInfo access, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var scope = access.ScopePath;
        var household = await db.Households.AsNoTracking().SingleOrDefaultAsync(h => h.Id == id && h.OrgPath.StartsWith(scope), cancellationToken)
            ?? throw new ProblemException(StatusCodes.Status404NotFound, "household-not-found", "家庭不存在", $"没有编号为“{id}”的家庭，或不在您的管辖范围内");
        var members = await InScope(db, access).AsNoTracking().Where(r => r.HouseholdId == id).OrderBy(r => r.BirthDate).ToListAsync(cancellationToken);
        var views = await ViewsAsync(db, members, cancellationToken);
        var address = household.AddressDivisionId is { } division ? (await AddressesAsync(db, [division], cancellationToken)).GetValueOrDefault(division) : null;
        await audit.RecordAsync(AuditActions.Read, "household", id.ToString(), $"查看家庭成员（{members.Count} 人）", cancellationToken);
        return new HouseholdView(household.Id, household.HeadResidentId, views.FirstOrDefault(v => v.Id == household.HeadResidentId)?.Name, $"{address}{household.AddressDetail}", views);
    }
}
