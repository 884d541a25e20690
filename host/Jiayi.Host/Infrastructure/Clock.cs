namespace Jiayi.Host.Infrastructure;

/// <summary>Today's date where the users are (Asia/Shanghai by default), whatever zone the server runs in.</summary>
public sealed class Clock(TimeProvider time, JiayiOptions options)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);

    /// <summary>The users' time zone (scheduled jobs run by its clock).</summary>
    public TimeZoneInfo Zone => _zone;

    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(UtcNow, _zone));

    /// <summary>A stored UTC time as the users read it.</summary>
    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone);

    /// <summary>The UTC instant a day starts where the users are: day filters on stored UTC times.</summary>
    public DateTime StartOfDayUtc(DateOnly day) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), _zone);
}
