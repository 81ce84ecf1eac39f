using System.Text.RegularExpressions;

namespace DefectApi.Tests.Infrastructure;

/// <summary>The shipped <c>docker/haproxy.cfg</c> run by a real HAProxy in front of replica processes: the compose host
/// names (<c>defectapi-N:8080</c>) become the replicas' loopback ports, the front end and the status page free loopback
/// ports. Everything else (checks, retries, timeouts) is the file as an operator gets it.</summary>
public sealed partial class HaproxyProcess : IAsyncDisposable
{
    /// <summary>How many of HAProxy's last output lines (its log), and of its notable ones, are kept for a test to show.</summary>
    const int KeptLines = 400;

    readonly Process _process;
    readonly string _folder;
    readonly HttpClient _status;
    readonly Queue<string> _output = new();
    readonly Queue<string> _notable = new();
    int _retried;

    /// <summary>Where callers send their requests (the <c>defectapi</c> front end).</summary>
    public Uri BaseAddress { get; }

    HaproxyProcess(Process process, string folder, int frontPort, int statusPort)
    {
        _process = process;
        _folder = folder;
        BaseAddress = new Uri($"http://127.0.0.1:{frontPort}");
        _status = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statusPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <param name="replicaPorts">the loopback port of replica-1, replica-2, … in the order of the file's servers</param>
    public static async Task<HaproxyProcess> StartAsync(IReadOnlyList<int> replicaPorts)
    {
        var program = ExternalComponent.HaproxyProgram() ?? throw new InvalidOperationException(ExternalComponent.Haproxy.MissingMessage);
        int frontPort = ServiceProcess.FreePort(), statusPort = ServiceProcess.FreePort();
        var folder = Directory.CreateTempSubdirectory("defectapi-haproxy-").FullName;
        var file = Path.Combine(folder, "haproxy.cfg");
        File.WriteAllText(file, OnLoopback(Repository.Read("docker", "haproxy.cfg"), replicaPorts, frontPort, statusPort));
        // -db: in the foreground, its log (log stdout) on standard output.
        var start = new ProcessStartInfo(program, ["-db", "-f", file])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder,
        };
        var haproxy = new HaproxyProcess(Process.Start(start)!, folder, frontPort, statusPort);
        haproxy._process.OutputDataReceived += (_, line) => haproxy.Keep(line.Data);
        haproxy._process.ErrorDataReceived += (_, line) => haproxy.Keep(line.Data);
        haproxy._process.BeginOutputReadLine();
        haproxy._process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (haproxy._process.HasExited)
            {
                var output = haproxy.RecentOutput();
                await haproxy.DisposeAsync();
                throw new InvalidOperationException($"HAProxy exited at start. Its output:\n{output}");
            }
            try
            {
                await haproxy.ServersAsync();
                return haproxy;
            }
            catch (HttpRequestException) { }
            await Task.Delay(50);
        }
        await haproxy.DisposeAsync();
        throw new TimeoutException("HAProxy's status page did not answer within 30 s.");
    }

    /// <summary>The shipped file with its listening addresses and replica names made loopback ones; each is required
    /// to be found, so that a change in the file's shape fails here rather than testing another configuration.</summary>
    static string OnLoopback(string config, IReadOnlyList<int> replicaPorts, int frontPort, int statusPort)
    {
        config = ReplaceRequired(config, "bind :8080", $"bind 127.0.0.1:{frontPort}");
        config = ReplaceRequired(config, "bind :8404", $"bind 127.0.0.1:{statusPort}");
        var named = new HashSet<int>();
        config = ComposeReplica().Replace(config, match =>
        {
            var number = int.Parse(match.Groups[1].Value);
            if (number > replicaPorts.Count) throw new ArgumentException($"haproxy.cfg names defectapi-{number}; the test started " +
                $"{replicaPorts.Count} replicas");
            named.Add(number);
            return $"127.0.0.1:{replicaPorts[number - 1]}";
        });
        if (named.Count != replicaPorts.Count) throw new ArgumentException($"haproxy.cfg names {named.Count} replicas; the test started " +
            $"{replicaPorts.Count}");
        return config;
    }

    static string ReplaceRequired(string text, string old, string replacement) =>
        text.Contains(old, StringComparison.Ordinal)
            ? text.Replace(old, replacement, StringComparison.Ordinal)
            : throw new ArgumentException($"haproxy.cfg no longer has '{old}'");

    [GeneratedRegex(@"defectapi-(\d+):8080")]
    private static partial Regex ComposeReplica();

    /// <summary>Waits until HAProxy routes to the server in the backend that callers reach while replicas are ready: its
    /// checks passed <c>rise</c> times in a row.</summary>
    public async Task WaitUntilInRotationAsync(string server, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string status;
        while ((status = (await ServersAsync()).Single(s => s.Server == server).Status) != "UP")
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{server} is {status} after {timeout}. HAProxy's log:\n" +
                $"{RecentOutput()}");
            await Task.Delay(100);
        }
    }

    /// <summary>The <c>replicas_ready</c> backend's servers, from the status page's CSV: their state (UP, DOWN, "DOWN 1/2"
    /// while rising…) and how many requests HAProxy sent each since it started.</summary>
    public async Task<IReadOnlyList<(string Server, string Status, long Sessions)>> ServersAsync()
    {
        var lines = (await _status.GetStringAsync("/;csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        int proxy = Array.IndexOf(header, "pxname"), name = Array.IndexOf(header, "svname");
        int status = Array.IndexOf(header, "status"), total = Array.IndexOf(header, "stot");
        return lines.Skip(1).Select(line => line.Split(','))
            .Where(cells => cells[proxy] == "replicas_ready" && cells[name] is not ("FRONTEND" or "BACKEND"))
            .Select(cells => (cells[name], cells[status], long.Parse(cells[total])))
            .ToArray();
    }

    void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > KeptLines) _output.Dequeue();
            if (Retried().IsMatch(line)) _retried++;
            if (CleanAnswer().IsMatch(line)) return;
            _notable.Enqueue(line);
            if (_notable.Count > KeptLines) _notable.Dequeue();
        }
    }

    /// <summary>A request log line (option httplog) of a 200 that ended normally (termination state ----) at the first
    /// try (retries 0): the lines that are not are the ones a test wants to see.</summary>
    [GeneratedRegex(@" 200 \d+ - - ---- \d+/\d+/\d+/\d+/0 ")]
    private static partial Regex CleanAnswer();

    /// <summary>The retries count of a request log line (%rc, "+" when sent to another server) when it is not 0,
    /// followed by the queue counts and the request.</summary>
    [GeneratedRegex(@" \d+/\d+/\d+/\d+/\+?[1-9]\d* \d+/\d+ """)]
    private static partial Regex Retried();

    /// <summary>Requests HAProxy sent more than once (retry-on), as its log counts them.</summary>
    public int RetriedRequests
    {
        get { lock (_output) return _retried; }
    }

    /// <summary>HAProxy's log lines other than clean answers: server state changes, retried requests, errors.</summary>
    public IReadOnlyList<string> NotableOutput()
    {
        lock (_output) return _notable.ToArray();
    }

    /// <summary>HAProxy's last lines of output: one per request (option httplog) and every server state change.</summary>
    public string RecentOutput()
    {
        lock (_output) return string.Join('\n', _output);
    }

    public async ValueTask DisposeAsync()
    {
        _status.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
