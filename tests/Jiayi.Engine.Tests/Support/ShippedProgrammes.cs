using Jiayi.Engine.Forms;
using Jiayi.Engine.Programmes;

namespace Jiayi.Engine.Tests.Support;

/// <summary>The shipped programmes, compiled against the shipped forms, and helpers to build plan inputs.</summary>
internal static class ShippedProgrammes
{
    public static CompiledProgramme Load(string id) =>
        ProgrammeLoader.Load(File.ReadAllText(FileOf(id)), $"definitions/programmes/{id}.json", 1, Form);

    public static CompiledForm? Form(string id) => File.Exists(ShippedForms.FileOf(id)) ? ShippedForms.Load(id) : null;

    public static string FileOf(string id) => Repo.Path("definitions", "programmes", id + ".json");

    public static IEnumerable<string> ShippedIds() =>
        Directory.GetFiles(Repo.Path("definitions", "programmes"), "*.json").Select(f => System.IO.Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal);

    /// <summary>A saved record of a shipped form, evaluated as the host would (subject given for age-dependent outcomes).</summary>
    public static PlanRecord Record(string formId, string date, Dictionary<string, object> data, DateOnly? birthDate = null)
    {
        var context = ShippedForms.Context with { Subject = birthDate is { } b ? new SubjectInfo(b, null) : null };
        var result = ShippedForms.Evaluate(formId, data, context);
        return PlanRecord.From(Guid.CreateVersion7(), DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), result);
    }

    public static PlanInput Input(string birthDate, string start, string today, params PlanRecord[] records) =>
        new(new PlanSubject(D(birthDate), "男"), new PlanEnrolment(D(start), null), records, D(today));

    public static DateOnly D(string text) => DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
