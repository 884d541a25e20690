namespace Jiayi.Data.Residents;

/// <summary>
/// A resident. The ID and phone numbers are stored encrypted, with a keyed hash for exact-match search
/// and a masked form for lists (610402********1234); the plain values exist only in memory, for users
/// allowed to see them.
/// </summary>
public sealed class Resident
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    /// <summary>男 or 女 (derived from the ID number).</summary>
    public required string Sex { get; set; }

    public required DateOnly BirthDate { get; set; }

    public required byte[] IdNumberCipher { get; set; }

    /// <summary>HMAC of the normalised ID number: unique, for exact search and duplicate checks.</summary>
    public required string IdNumberHash { get; set; }

    public required string IdNumberMasked { get; set; }

    public byte[]? PhoneCipher { get; set; }

    public string? PhoneHash { get; set; }

    public string? PhoneMasked { get; set; }

    /// <summary>The village or community (a division node) of the current address.</summary>
    public Guid? AddressDivisionId { get; set; }

    public string? AddressDetail { get; set; }

    public Guid? HouseholdId { get; set; }

    /// <summary>与户主关系: 户主, 配偶, 子女, 父母, 孙子女, 兄弟姐妹, 其他.</summary>
    public string? RelationToHead { get; set; }

    /// <summary>The managing institution or team.</summary>
    public required Guid OrgId { get; set; }

    public required string OrgPath { get; set; }

    /// <summary>Key-population tags that are recorded, not derived (see <c>KeyPopulations</c>).</summary>
    public List<string> Tags { get; set; } = [];

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
}

/// <summary>A household (家庭): the members share an address; one of them is the head (户主).</summary>
public sealed class Household
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid? HeadResidentId { get; set; }

    public Guid? AddressDivisionId { get; set; }

    public string? AddressDetail { get; set; }

    public required Guid OrgId { get; set; }

    public required string OrgPath { get; set; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
}
