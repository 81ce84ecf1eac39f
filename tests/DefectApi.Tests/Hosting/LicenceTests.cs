using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DefectApi.Tests.Hosting;

/// <summary>What a legal department reads before approving the service: the Apache-2.0 licence, and a NOTICE that
/// stays true as packages and sample files come and go.</summary>
public sealed class LicenceTests
{
    static readonly string Notice = Repository.Read("NOTICE");

    [Fact]
    public void TheLicenceIsTheWholeApacheLicence2AndTheBuildAndImageSaySo()
    {
        var licence = Repository.Read("LICENSE");

        Assert.Contains("Apache License", licence);
        Assert.Contains("Version 2.0, January 2004", licence);
        // The patent grant is why Apache-2.0 was chosen; a shortened text would lose it.
        Assert.Contains("3. Grant of Patent License.", licence);
        Assert.Contains("9. Accepting Warranty or Additional Liability.", licence);
        Assert.Contains("END OF TERMS AND CONDITIONS", licence);
        Assert.Contains("<PackageLicenseExpression>Apache-2.0</PackageLicenseExpression>", Repository.Read("Directory.Build.props"));
        Assert.Contains("org.opencontainers.image.licenses=\"Apache-2.0\"", Repository.Read("Dockerfile"));
    }

    [Fact]
    public void TheBuiltAppCarriesTheLicenceAndTheNotice()
    {
        foreach (var file in new[] { "LICENSE", "NOTICE" })
            Assert.Equal(Repository.Read(file), File.ReadAllText(Path.Combine(ServiceProcess.AppFolder(), file)));
    }

    [Fact]
    public void TheNoticeNamesEveryPackageTheServiceShipsAndNoOther()
    {
        var shipped = ShippedPackages();
        var listed = ListedPackages();

        Assert.Empty(shipped.Where(p => p.HasAssemblies).Select(p => p.Id).Except(listed));
        Assert.Empty(listed.Except(shipped.Select(p => p.Id)));
        Assert.Contains("Npgsql", listed);   // the walk below reaches packages the service only references indirectly
    }

    [Fact]
    public void TheNoticeNamesEverySampleAndFixtureFileMadeFromTheDatasets()
    {
        var samples = Directory.EnumerateFiles(Repository.PathOf("samples"), "*.csv", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Repository.PathOf("tests", "DefectApi.Tabular.Tests", "Fixtures"), "*.csv",
                SearchOption.AllDirectories))
            .Select(Path.GetFileNameWithoutExtension).ToList();

        Assert.NotEmpty(samples);
        Assert.All(samples, sample => Assert.Contains(sample + ".csv", Notice));
        Assert.Contains("(CC BY 4.0, https://creativecommons.org/licenses/by/4.0/)", Notice);
        foreach (var doi in new[] { "10.24432/C5HS5C", "10.24432/C51S6D", "10.24432/C5J88N" }) Assert.Contains(doi, Notice);
    }

    /// <summary>The package ids of the NOTICE's table of shipped software: the first word of each row.</summary>
    static HashSet<string> ListedPackages()
    {
        var section = Notice[Notice.IndexOf("-----------", StringComparison.Ordinal)..Notice.IndexOf("Inside those packages",
            StringComparison.Ordinal)];
        return section.Split('\n').Skip(1).Select(line => Regex.Match(line, @"^[A-Za-z][\w.]+").Value).Where(id => id.Length > 0)
            .ToHashSet();
    }

    sealed record Package(string Id, bool HasAssemblies);

    /// <summary>Every package the built app loads, from its deps.json: the dependency graph walked from DefectApi, except
    /// the build-time tools its project marks PrivateAssets="all" (dotnet publish leaves those out).</summary>
    static List<Package> ShippedPackages()
    {
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(ServiceProcess.AppFolder(), "DefectApi.deps.json")));
        var targets = deps.RootElement.GetProperty("targets").EnumerateObject().Single().Value;
        var entries = targets.EnumerateObject().ToDictionary(e => e.Name[..e.Name.IndexOf('/')], e => e.Value);
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject()
            .ToDictionary(l => l.Name[..l.Name.IndexOf('/')], l => l.Value.GetProperty("type").GetString());
        var buildTools = XDocument.Load(Repository.PathOf("src", "DefectApi", "DefectApi.csproj")).Descendants("PackageReference")
            .Where(r => (string?)r.Element("PrivateAssets") == "all" || (string?)r.Attribute("PrivateAssets") == "all")
            .Select(r => (string)r.Attribute("Include")!).ToHashSet();

        var seen = new HashSet<string>();
        var pending = new Stack<string>(["DefectApi"]);
        while (pending.TryPop(out var id))
        {
            if (buildTools.Contains(id) || !seen.Add(id) || !entries.TryGetValue(id, out var entry)) continue;
            if (entry.TryGetProperty("dependencies", out var dependencies))
                foreach (var dependency in dependencies.EnumerateObject()) pending.Push(dependency.Name);
        }
        return seen.Where(id => libraries[id] == "package")
            .Select(id => new Package(id, new[] { "runtime", "native", "runtimeTargets" }.Any(kind => entries[id].TryGetProperty(kind,
                out _))))
            .ToList();
    }
}
