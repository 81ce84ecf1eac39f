namespace DefectApi.Tests.Shared;

/// <summary>The repository's own files (LICENSE, docker/, samples/), found from the test assembly's folder upwards, as
/// tests run from their bin folder.</summary>
public static class Repository
{
    public static readonly string Root = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "DefectApi.sln"))) return folder.FullName;
        throw new DirectoryNotFoundException("No DefectApi.sln above " + AppContext.BaseDirectory);
    }
}
