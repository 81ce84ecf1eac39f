namespace DefectApi.Tests.OpenApi;

/// <summary>Redocly CLI and Spectral, installed from tests/openapi-lint/package-lock.json by npm the first time a run
/// needs them. Node.js is an outside component: without it (or without the npm registry) the lint test is skipped,
/// except under CI=true, where it fails.</summary>
public static class OpenApiLinters
{
    public const string InstallCommand = "apt-get install -y nodejs npm && npm ci --prefix tests/openapi-lint";

    public static readonly string Folder = Path.Combine(RepositoryRoot(), "tests", "openapi-lint");

    public static string Redocly => Path.Combine(Folder, "node_modules", ".bin", "redocly");

    public static string Spectral => Path.Combine(Folder, "node_modules", ".bin", "spectral");

    static readonly Lazy<string?> Missing = new(Install);

    /// <summary>Why the linters cannot run here, or null when they can.</summary>
    public static string? Unavailable => Missing.Value;

    static string? Install()
    {
        if (Run("node", "--version", Folder, TimeSpan.FromSeconds(30)) is not { ExitCode: 0 })
            return $"Node.js is not installed. Install it and the linters: {InstallCommand}";
        if (File.Exists(Redocly) && File.Exists(Spectral)) return null;
        var install = Run("npm", "ci --no-audit --no-fund", Folder, TimeSpan.FromMinutes(5));
        if (install is not { ExitCode: 0 } || !File.Exists(Redocly) || !File.Exists(Spectral))
            return $"npm could not install the linters ({install?.Output.Trim() ?? "npm is not installed"}). Run: {InstallCommand}";
        return null;
    }

    public sealed record Result(int ExitCode, string Output, string Errors);

    /// <summary>Runs a program to its end (or kills it at the timeout); null when it cannot be started.</summary>
    public static Result? Run(string program, string arguments, string folder, TimeSpan timeout,
        IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        Process? process;
        try { process = Process.Start(start); }
        catch (System.ComponentModel.Win32Exception) { return null; }
        if (process is null) return null;
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return new Result(-1, output.Result, $"{program} {arguments} did not finish within {timeout}. {errors.Result}");
            }
            return new Result(process.ExitCode, output.Result, errors.Result);
        }
    }

    static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "DefectApi.sln"))) return folder.FullName;
        throw new FileNotFoundException("DefectApi.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A test that needs the OpenAPI linters: skipped, with the reason and the install command, where they cannot
/// be had, except under CI=true, where it runs and fails on the missing component.</summary>
public sealed class LintersFactAttribute : FactAttribute
{
    public LintersFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") != "true" && OpenApiLinters.Unavailable is { } reason) Skip = reason;
    }
}
