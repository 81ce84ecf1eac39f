namespace DefectApi.Hosting;

/// <summary>The folder the service's relative paths start from (its SQLite data folder among them). ASP.NET Core's
/// default is the working directory: right under <c>dotnet run</c> (the Web SDK starts the app in the project folder),
/// but for a published app it is wherever the operator happened to be. So the content root here is the project folder
/// when the app runs from its build output (<c>…/bin/…</c> under a folder with a project file), so that Debug and
/// Release builds share one registry and a rebuild never starts an empty one, and otherwise the app's own folder.
/// An explicit <c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c> or <c>DOTNET_CONTENTROOT</c> still wins.</summary>
public static class ContentRoot
{
    public static WebApplicationOptions Options(string[] args) =>
        new() { Args = args, ContentRootPath = IsGiven(args) ? null : For(AppContext.BaseDirectory) };

    /// <summary>The project folder above a build output folder, else <paramref name="appFolder"/> itself.</summary>
    public static string For(string appFolder)
    {
        var app = new DirectoryInfo(Path.GetFullPath(appFolder).TrimEnd(Path.DirectorySeparatorChar));
        for (var folder = app; folder?.Parent is { } parent; folder = parent)
            if (folder.Name == "bin" && parent.EnumerateFiles("*.csproj").Any())
                return parent.FullName;
        return app.FullName;
    }

    static bool IsGiven(string[] args)
    {
        var given = new ConfigurationBuilder()
            .AddEnvironmentVariables("ASPNETCORE_").AddEnvironmentVariables("DOTNET_").AddCommandLine(args).Build();
        return !string.IsNullOrEmpty(given[HostDefaults.ContentRootKey]);
    }
}
