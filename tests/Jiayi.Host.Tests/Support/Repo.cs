using System.Reflection;

namespace Jiayi.Host.Tests.Support;

/// <summary>Files of the repository (the shipped definitions), wherever the tests were built.</summary>
internal static class Repo
{
    public static string Root { get; } = typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
