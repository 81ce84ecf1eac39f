using DefectApi.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting.Internal;

namespace DefectApi.Tests.Data;

/// <summary>Where the SQLite database is: a relative path names a file in the data folder (DEFECTAPI_DATA, else data/
/// in the content root: the project folder for a build, the app's folder when published), never the build output.</summary>
public sealed class DataLocationTests : IDisposable
{
    readonly TemporaryFolder _folder = new("defectapi-location-");
    string Root => _folder.Path;

    public void Dispose() => _folder.Dispose();

    static string FileOf(string connectionString) => new SqliteConnectionStringBuilder(connectionString).DataSource;

    string Resolve(string? configured, string? dataVariable = null) =>
        FileOf(DatabaseConnection.ResolveSqliteConnectionString(configured, DataFolder.Resolve(Root, dataVariable)));

    [Fact]
    public void ARelativePathIsAFileInTheDataFolderOfTheContentRoot()
    {
        Assert.Equal(Path.Combine(Root, "data", "defects.db"), Resolve("Data Source=defects.db"));
        Assert.Equal(Path.Combine(Root, "data", "line3", "defects.db"), Resolve("Data Source=line3/defects.db"));
        Assert.True(Directory.Exists(Path.Combine(Root, "data", "line3")));
        // Nothing configured: the default file in the data folder.
        Assert.Equal(Path.Combine(Root, "data", "defects.db"), Resolve(null));
    }

    [Fact]
    public void DefectApiDataNamesTheDataFolderItself()
    {
        var elsewhere = Path.Combine(Root, "srv", "defectapi");

        Assert.Equal(Path.Combine(elsewhere, "defects.db"), Resolve("Data Source=defects.db", elsewhere));
        // A relative DEFECTAPI_DATA is relative to the content root, not to the working directory.
        Assert.Equal(Path.Combine(Root, "var", "defects.db"), Resolve("Data Source=defects.db", "var"));
    }

    [Fact]
    public void AnAbsolutePathIsTakenAsGiven()
    {
        var absolute = Path.Combine(Root, "exact", "registry.db");

        Assert.Equal(absolute, Resolve($"Data Source={absolute}"));
        Assert.Equal(absolute, Resolve($"Data Source={absolute}", Path.Combine(Root, "ignored")));
    }

    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=shared;Mode=Memory;Cache=Shared")]
    public void AnInMemoryDatabaseIsTakenAsGiven(string configured)
    {
        var resolved = DatabaseConnection.ResolveSqliteConnectionString(configured, DataFolder.Resolve(Root, null));

        Assert.Equal(new SqliteConnectionStringBuilder(configured).ToString(), resolved);
        Assert.False(Directory.Exists(Path.Combine(Root, "data")));
        Assert.Null(DatabaseConnection.Resolve(DatabaseProvider.Sqlite, configured, DataFolder.Resolve(Root, null)).SqliteFile);
    }

    [Fact]
    public void TheContentRootOfABuildIsItsProjectFolderAndOfAPublishedAppItsOwnFolder()
    {
        var project = Directory.CreateDirectory(Path.Combine(Root, "src", "DefectApi")).FullName;
        File.WriteAllText(Path.Combine(project, "DefectApi.csproj"), "<Project />");
        var debug = Directory.CreateDirectory(Path.Combine(project, "bin", "Debug", "net10.0")).FullName;
        var release = Directory.CreateDirectory(Path.Combine(project, "bin", "Release", "net10.0", "linux-x64")).FullName;
        var published = Directory.CreateDirectory(Path.Combine(Root, "opt", "defectapi")).FullName;

        Assert.Equal(project, ContentRoot.For(debug + Path.DirectorySeparatorChar));
        Assert.Equal(project, ContentRoot.For(release));
        Assert.Equal(published, ContentRoot.For(published + Path.DirectorySeparatorChar));
    }

    [Fact]
    public void TheServiceReadsDefectApiDataFromItsConfiguration()
    {
        var data = Path.Combine(Root, "plant-data");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [DataFolder.Variable] = data, ["ConnectionStrings:Defects"] = "Data Source=defects.db",
        }).Build();
        var environment = new HostingEnvironment { ContentRootPath = Root, ContentRootFileProvider = new NullFileProvider() };

        var connection = DatabaseConnection.From(configuration, environment, DatabaseProvider.Sqlite);

        Assert.Equal(Path.Combine(data, "defects.db"), connection.SqliteFile);
    }

    [Fact]
    public void ADatabaseThatAnEarlierVersionKeptBesideTheAppIsFound()
    {
        var app = Directory.CreateDirectory(Path.Combine(Root, "bin", "Debug", "net10.0")).FullName;
        var data = DataFolder.Resolve(Root, null);
        Assert.Null(DatabaseConnection.Resolve(DatabaseProvider.Sqlite, "Data Source=defects.db", data, app).EarlierSqliteFile);

        var earlier = Path.Combine(Directory.CreateDirectory(Path.Combine(app, "data")).FullName, "defects.db");
        File.WriteAllText(earlier, "an earlier registry");

        Assert.Equal(earlier, DatabaseConnection.Resolve(DatabaseProvider.Sqlite, "Data Source=defects.db", data, app).EarlierSqliteFile);
        // A path given in full was never resolved beside the app.
        Assert.Null(DatabaseConnection.Resolve(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(Root, "x.db")}", data, app)
            .EarlierSqliteFile);
    }

    [Fact]
    public async Task AServiceRunFromItsBuildOutputKeepsItsDataInTheProjectFolderAndNamesAnEarlierDatabase()
    {
        // A project folder with its build output, started from an unrelated working directory.
        var project = Directory.CreateDirectory(Path.Combine(Root, "DefectApi")).FullName;
        File.WriteAllText(Path.Combine(project, "DefectApi.csproj"), "<Project />");
        var build = Path.Combine(project, "bin", "Release", "net10.0");
        ServiceProcess.CopyApp(build);
        var earlier = Path.Combine(Directory.CreateDirectory(Path.Combine(build, "data")).FullName, "defects.db");
        File.WriteAllText(earlier, "the registry a build before the data folder kept");
        var environment = new Dictionary<string, string> { ["Auth__RequireKeys"] = "false" };

        await using (var service = await ServiceProcess.StartAsync(build, environment, workingDirectory: Root))
        {
            Assert.True(File.Exists(Path.Combine(project, "data", "defects.db")), service.RecentOutput());
            Assert.Contains($"{earlier} holds a database that an earlier version kept", service.RecentOutput());
            await service.Client.UploadAsync(TestData.EfficiencyCsv(rows: 20));
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
        }
        // Once the registry has data of its own, the warning is not repeated.
        await using (var service = await ServiceProcess.StartAsync(build, environment, workingDirectory: Root))
            Assert.DoesNotContain("an earlier version kept", service.RecentOutput());
        Assert.Equal("the registry a build before the data folder kept", File.ReadAllText(earlier));
    }
}
