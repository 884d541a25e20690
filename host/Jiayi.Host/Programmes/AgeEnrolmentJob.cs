namespace Jiayi.Host.Programmes;

/// <summary>
/// Keeps age programmes (老年人, 0～6岁儿童) in step with birthdays: Hangfire runs it every night; resident saves
/// and imports run it for the residents they touch.
/// </summary>
public sealed class AgeEnrolmentJob(EnrolmentService enrolments)
{
    public const string RecurringId = "age-enrolment";

    public Task<(int Enrolled, int Stopped)> RunAsync(CancellationToken cancellationToken) => enrolments.SyncAgeAsync(null, cancellationToken);
}
