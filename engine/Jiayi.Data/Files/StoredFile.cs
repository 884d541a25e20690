namespace Jiayi.Data.Files;

/// <summary>A small file kept in the database (a signature image, a photo), belonging to one record.</summary>
public sealed class StoredFile
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>e.g. <c>contract</c>.</summary>
    public required string OwnerType { get; init; }

    public required Guid OwnerId { get; init; }

    /// <summary>e.g. <c>signature</c>, <c>photo</c>.</summary>
    public required string Kind { get; init; }

    public required string ContentType { get; init; }

    public required int Size { get; init; }

    public required string Sha256 { get; init; }

    public required byte[] Content { get; init; }

    public Guid? CreatedBy { get; init; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
}
