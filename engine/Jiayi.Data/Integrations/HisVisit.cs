namespace Jiayi.Data.Integrations;

/// <summary>
/// An outpatient or inpatient visit received from the regional HIS (W3.2): kept once per event id, it is the
/// resident's visit history and fulfils contracted items of a matching service type without manual entry.
/// </summary>
public sealed class HisVisit
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The sender's event id: the same event twice is one visit.</summary>
    public required string EventId { get; init; }

    public required Guid ResidentId { get; init; }

    /// <summary>outpatient or inpatient.</summary>
    public required string Kind { get; init; }

    public required DateOnly VisitDate { get; init; }

    public DateOnly? DischargeDate { get; init; }

    public required string InstitutionCode { get; init; }

    public required string InstitutionName { get; init; }

    public string? Department { get; init; }

    public string? DoctorName { get; init; }

    /// <summary>[{code, name}] with ICD-10 codes, as JSON.</summary>
    public required string Diagnoses { get; init; }

    /// <summary>[{drug, spec, dose, frequency, days, quantity}] as JSON.</summary>
    public required string Prescriptions { get; init; }

    /// <summary>The resident's managing organisation path when received: data scope.</summary>
    public required string OrgPath { get; init; }

    public DateTime ReceivedAt { get; init; } = DateTime.UtcNow;
}

/// <summary>
/// An inbound event that could not be taken (unknown resident, bad fields): kept with its reason in the
/// correction queue until someone fixes and resubmits it or discards it; nothing is lost.
/// </summary>
public sealed class InboundRejection
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>his-visits, …</summary>
    public required string Channel { get; init; }

    public string? EventId { get; init; }

    /// <summary>The body as received.</summary>
    public required string Payload { get; set; }

    /// <summary>The reasons in Chinese, one per line.</summary>
    public required string Reason { get; set; }

    /// <summary>open, resolved or discarded (see <see cref="RejectionStatus"/>).</summary>
    public required string Status { get; set; }

    public int Attempts { get; set; } = 1;

    public DateTime ReceivedAt { get; init; } = DateTime.UtcNow;

    public DateTime LastAttemptAt { get; set; } = DateTime.UtcNow;

    public Guid? ResolvedBy { get; set; }

    public string? ResolvedByName { get; set; }

    public DateTime? ResolvedAt { get; set; }

    public string? Note { get; set; }
}

public static class RejectionStatus
{
    public const string Open = "open";
    public const string Resolved = "resolved";
    public const string Discarded = "discarded";
}
