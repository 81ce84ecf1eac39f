namespace DefectApi.Tests.Shared;

/// <summary>A real outside component some tests need (a browser, a database server, a container engine). Where it is
/// installed those tests run; where it is absent they are skipped with a reason that names the install command, except
/// under <c>CI=true</c>, where they run and fail, so that a CI machine that lacks the component cannot pass quietly.</summary>
public sealed record ExternalComponent(string Name, string InstallCommand, Func<bool> IsInstalled)
{
    public static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why tests that need it are skipped here, or null when they run (installed, or on CI).</summary>
    public string? SkipReason => IsInstalled() || OnCi ? null : $"{Name} is not installed. Install it with: " +
        $"{InstallCommand} (.ci/run does).";

    public string MissingMessage => $"{Name} is not installed, and CI=true makes its tests fail rather than skip. Install it with: " +
        $"{InstallCommand}";

    public static readonly ExternalComponent PostgreSql = new("The PostgreSQL server (initdb, pg_ctl)", "apt-get install -y postgresql",
        () => PostgresBinaries() is not null);

    public static readonly ExternalComponent Chromium = new("Chromium", "apt-get install -y chromium",
        () => File.Exists("/usr/bin/chromium"));

    /// <summary>Prometheus's rule checker; Debian ships it in the prometheus package, with no package of its own.</summary>
    public static readonly ExternalComponent Promtool = new("Prometheus's promtool", "apt-get install -y prometheus",
        () => OnPath("promtool") is not null);

    /// <summary>Debian's HAProxy, which installs in /usr/sbin: a PATH without the sbin folders still finds it.</summary>
    public static readonly ExternalComponent Haproxy = new("HAProxy", "apt-get install -y haproxy", () => HaproxyProgram() is not null);

    public static string? HaproxyProgram() => OnPath("haproxy") ?? (File.Exists("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : null);

    /// <summary>Where a program is found on PATH, as a shell would find it, or null.</summary>
    public static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);

    /// <summary>The newest installed server's bin folder, as Debian's postgresql package lays it out.</summary>
    public static string? PostgresBinaries()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(folder => (Folder: folder, Version: int.TryParse(Path.GetFileName(folder), out var v) ? v : 0))
            .OrderByDescending(f => f.Version)
            .Select(f => Path.Combine(f.Folder, "bin"))
            .FirstOrDefault(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")));
    }
}
