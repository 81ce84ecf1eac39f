using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace DefectApi.Tests.Infrastructure;

/// <summary>The built service started as a real process (Kestrel on loopback), the way an operator runs it.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    const string RequireKeysVariable = "Auth__RequireKeys";
    const string DrainVariable = "Shutdown__DrainSeconds";

    /// <summary>How many of the service's last output lines are kept for a failing test to show.</summary>
    const int KeptLines = 200;

    readonly Process _process;
    readonly Queue<string> _output = new();
    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    ServiceProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The folder the build wrote the service to, for the configuration the tests were built in.</summary>
    public static string AppFolder()
    {
        var testFolder = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testFolder.Name;
        var configuration = testFolder.Parent!.Name;
        var root = testFolder.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(root, "src", "DefectApi", "bin", configuration, framework);
    }

    /// <summary>A copy of the built app (without any database it wrote) that a test may change.</summary>
    public static void CopyApp(string to) => CopyFolder(AppFolder(), to);

    public static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.StartsWith("data" + Path.DirectorySeparatorChar)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }

    /// <summary>Starts the app in Production, as the image runs it. Production requires API keys and creates an admin key
    /// at a first start without any; tests of anything else get an open service (Auth__RequireKeys=false) unless their
    /// environment sets that variable or <paramref name="productDefaults"/> asks for the product's own behaviour.
    /// Configured keys are enforced either way. Likewise a SIGTERM stops the service at once (Shutdown__DrainSeconds=0):
    /// the drain matters only behind a load balancer, and the tests of the drain set it.</summary>
    /// <param name="port">the loopback port to listen on, e.g. a restarted replica's old one; a free one if null</param>
    public static async Task<ServiceProcess> StartAsync(string appFolder, IDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        bool productDefaults = false, int? port = null)
    {
        port ??= FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(appFolder, "DefectApi.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!productDefaults)
        {
            start.Environment[RequireKeysVariable] = "false";
            start.Environment[DrainVariable] = "0";
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start)!;
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, line) => service.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => service.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The service exited with code {process.ExitCode}. Its output:\n" +
                $"{service.RecentOutput()}");
            try
            {
                if ((await service.Client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return service;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        var output = service.RecentOutput();
        await service.DisposeAsync();
        throw new TimeoutException($"The service did not become ready within 60 s. Its output:\n{output}");
    }

    /// <summary>Runs one of the service's commands (<c>dotnet DefectApi.dll NAME …</c>) to its end, as an operator does:
    /// its exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> RunCommandAsync(IDictionary<string, string> environment,
        params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppFolder(), "DefectApi.dll"), .. arguments])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > KeptLines) _output.Dequeue();
        }
    }

    /// <summary>The service's last lines of output (its log), for the message of a test that failed against it.</summary>
    public string RecentOutput()
    {
        lock (_output) return string.Join('\n', _output);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Asks the service to stop the way an orchestrator does (SIGTERM) and waits for it to exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        SendSigterm();
        return await WaitForExitAsync(timeout);
    }

    /// <summary>Asks the service to stop (SIGTERM) and returns at once: the drain that follows is the caller's to watch.</summary>
    public void SendSigterm()
    {
        const int SigTerm = 15;
        if (Kill(_process.Id, SigTerm) != 0) throw new InvalidOperationException("kill(SIGTERM) failed: errno " +
            $"{Marshal.GetLastPInvokeError()}");
    }

    /// <summary>The exit code, once the process has ended.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    bool _disposed;

    /// <summary>Ends the process with SIGKILL: no graceful shutdown, the way a crash or the OOM killer ends it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
