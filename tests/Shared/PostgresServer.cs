using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DefectApi.Tests.Shared;

/// <summary>A throw-away PostgreSQL server from Debian's binaries: <c>initdb</c> into a temporary folder, <c>pg_ctl</c>
/// on a free loopback port, and everything removed when it is disposed (or when the test process exits). No Docker.
/// initdb and pg_ctl refuse to run as root, so as root they run as the <c>postgres</c> user that the package creates.</summary>
public sealed class PostgresServer : IAsyncDisposable
{
    static readonly Lazy<PostgresServer> SharedServer = new(() => StartAsync().GetAwaiter().GetResult());

    readonly string _bin;
    readonly string _folder;
    bool _durable;
    int _databases;

    public int Port { get; }
    string DataFolder => Path.Combine(_folder, "data");

    PostgresServer(string bin, string folder, int port) => (_bin, _folder, Port) = (bin, folder, port);

    /// <summary>One server for the whole test run, started at first use; each test gets a database of its own on it.</summary>
    public static PostgresServer Shared => SharedServer.Value;

    /// <summary>A connection string for the <c>postgres</c> superuser to <paramref name="database"/>.</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5;Command Timeout=60;Maximum Pool Size=50";

    /// <summary>A new empty database; the service's migrations create the tables.</summary>
    public string CreateDatabase()
    {
        var name = $"defects_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40];
        Psql($"CREATE DATABASE {name}");
        return ConnectionString(name);
    }

    /// <summary>A server of its own. <paramref name="durable"/> keeps fsync on (benchmarks); tests turn it off.</summary>
    public static async Task<PostgresServer> StartAsync(bool durable = false)
    {
        var bin = ExternalComponent.PostgresBinaries() ?? throw new InvalidOperationException(ExternalComponent.PostgreSql.MissingMessage);
        RemoveAbandonedFolders();
        var folder = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var server = new PostgresServer(bin, folder, FreePort()) { _durable = durable };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Remove();
        try
        {
            if (IsRoot) Run("chown", "postgres:postgres", folder);
            server.RunTool("initdb", "-D", server.DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync",
                "--no-instructions");
            await server.StartServerAsync();
            return server;
        }
        catch
        {
            server.Remove();
            throw;
        }
    }

    /// <summary>Starts the server (again, after <see cref="StopServer"/>) on the same port and data.</summary>
    public Task StartServerAsync()
    {
        // Tests: fsync off, test data need not survive a power cut. Benchmarks: fsync on, but commits not waited for
        // (synchronous_commit=off), the same class of durability as the SQLite default's synchronous=NORMAL in WAL mode:
        // a crashed process loses nothing, a power cut may lose the last fraction of a second, nothing is corrupted.
        var durability = _durable ? "-c synchronous_commit=off" : "-c fsync=off";
        var settings = $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 {durability} -c max_connections=400 -c shared_buffers=128MB";
        RunTool("pg_ctl", "-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-o", settings, "-w", "-t", "60", "start");
        return Task.CompletedTask;
    }

    /// <summary>Stops the server at once, the way a crash or a fail-over cuts clients off.</summary>
    public void StopServer() => RunTool("pg_ctl", "-D", DataFolder, "-m", "immediate", "-w", "stop");

    public void Psql(string sql) => RunTool("psql", "-h", "127.0.0.1", "-p", Port.ToString(), "-U", "postgres", "-d", "postgres",
        "-v", "ON_ERROR_STOP=1", "-q", "-c", sql);

    void RunTool(string tool, params string[] arguments)
    {
        var path = Path.Combine(_bin, tool);
        if (IsRoot) Run("runuser", ["-u", "postgres", "--", path, .. arguments]);
        else Run(path, arguments);
    }

    static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath(),
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120))) { process.Kill(true); throw new TimeoutException($"{file} did not finish"); }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} failed ({process.ExitCode}): " +
                $"{error.Result}{output.Result}");
    }

    static bool IsRoot => Environment.UserName == "root";

    const string FolderPrefix = "defectapi-pg-";

    /// <summary>A test process that is killed (a runner's time-out) cannot remove its server's folder: the next run
    /// removes every such folder whose server no longer runs.</summary>
    static void RemoveAbandonedFolders()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var pidFile = Path.Combine(folder, "data", "postmaster.pid");
            var running = File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)
                && Directory.Exists($"/proc/{pid}");
            // A folder younger than a minute may belong to a server another test process is starting right now.
            if (running || Directory.GetCreationTimeUtc(folder) > DateTime.UtcNow.AddMinutes(-1)) continue;
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    bool _removed;

    void Remove()
    {
        if (_removed) return;
        _removed = true;
        try { StopServer(); } catch (Exception) { /* not running */ }
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public ValueTask DisposeAsync()
    {
        Remove();
        return ValueTask.CompletedTask;
    }
}
