using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;

namespace DefectApi.Tests.Hosting;

/// <summary>What the Dockerfile promises, checked without a container engine: the final stage's settings, and the
/// built app started with the image's environment (as the image's user when the tests run as root) answering the
/// image's own HEALTHCHECK. docker/test-image.sh checks the real image.</summary>
public sealed class ContainerSettingsTests
{
    const int AppUid = 1654;
    static readonly string RepositoryRoot = Path.GetFullPath(Path.Combine(ServiceProcess.AppFolder(), "..", "..", "..", "..", ".."));

    [Fact]
    public void TheFinalStageRunsAsTheImagesNonRootUserOnPort8080WithTheDatabaseOnADataVolume()
    {
        var final = Dockerfile.Read().FinalStage;

        Assert.Equal("$APP_UID", final.Single("USER"));
        Assert.Equal("8080", final.Single("EXPOSE"));
        Assert.Contains(final.Single("VOLUME"), new[] { "/data", "[\"/data\"]" });
        Assert.Equal("Data Source=/data/defects.db", final.Env["ConnectionStrings__Defects"]);
        Assert.Equal("8080", final.Env["ASPNETCORE_HTTP_PORTS"]);
        Assert.Contains("/health/live", string.Join(' ', Dockerfile.HealthCheckCommand(final)));
        Assert.Equal(new[] { "dotnet", "DefectApi.dll" }, JsonSerializer.Deserialize<string[]>(final.Single("ENTRYPOINT")));
        // USER comes after the last RUN, or the RUN steps that follow it would run without root (and chown fails).
        Assert.True(final.IndexOf("USER") > final.LastIndexOf("RUN"));
    }

    [Fact]
    public void TheStagesUseTheOfficialImagesOfTheTargetFramework()
    {
        var dockerfile = Dockerfile.Read();
        var framework = Regex.Match(File.ReadAllText(Path.Combine(RepositoryRoot, "Directory.Build.props")),
            @"<TargetFramework>net(\d+\.\d+)</TargetFramework>").Groups[1].Value;

        Assert.EndsWith($"mcr.microsoft.com/dotnet/sdk:{framework} AS build", dockerfile.Stages[0].Single("FROM"));
        Assert.Equal($"mcr.microsoft.com/dotnet/aspnet:{framework} AS final", dockerfile.FinalStage.Single("FROM"));
    }

    [Fact]
    public void EveryProjectTheServiceBuildsFromIsCopiedBeforeTheRestoreLayer()
    {
        var build = Dockerfile.Read().Stages[0];
        var restore = build.IndexOf("RUN", args => args.StartsWith("dotnet restore"));
        var copiedFirst = build.Instructions.Take(restore).Where(i => i.Keyword == "COPY").SelectMany(i => i.Arguments.Split(' ',
            StringSplitOptions.RemoveEmptyEntries)).ToHashSet();

        var projects = Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepositoryRoot, p).Replace(Path.DirectorySeparatorChar, '/'));
        Assert.All(projects, project => Assert.Contains(project, copiedFirst));
        Assert.Contains("Directory.Packages.props", copiedFirst);
        Assert.Contains("Directory.Build.props", copiedFirst);
    }

    [Fact]
    public void TheLicenceAndTheNoticeAreInTheBuildContextBeforeThePublishThatPutsThemInTheImage()
    {
        var build = Dockerfile.Read().Stages[0];
        var publish = build.IndexOf("RUN", args => args.StartsWith("dotnet publish"));
        var copied = build.Instructions.Take(publish).Where(i => i.Keyword == "COPY").SelectMany(i => i.Arguments.Split(' ')).ToHashSet();

        Assert.Contains("LICENSE", copied);
        Assert.Contains("NOTICE", copied);
        Assert.DoesNotContain(File.ReadLines(Path.Combine(RepositoryRoot, ".dockerignore")), line => line.Trim() is "LICENSE" or "NOTICE");
    }

    [Fact, SupportedOSPlatform("linux")]
    public async Task TheBuiltAppWithTheImagesEnvironmentServesHealthAndPassesTheImagesHealthCheck()
    {
        var final = Dockerfile.Read().FinalStage;
        var asAppUser = IsRoot() && File.Exists("/usr/bin/setpriv");
        // The image's layout: the app in a folder owned by root, the database in one owned by the app user. A copy, so
        // that uid 1654 can read the app wherever the repository is checked out.
        var root = Directory.CreateTempSubdirectory("defectapi-image-").FullName;
        try
        {
            var app = Path.Combine(root, "app");
            var data = Path.Combine(root, "data");
            ServiceProcess.CopyApp(app);
            Directory.CreateDirectory(data);
            File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
            if (asAppUser) Assert.Equal(0, chown(data, AppUid, AppUid));
            var port = ServiceProcess.FreePort();
            var environment = new Dictionary<string, string>(final.Env)
            {
                ["ASPNETCORE_HTTP_PORTS"] = port.ToString(),
                ["ConnectionStrings__Defects"] = final.Env["ConnectionStrings__Defects"].Replace("/data/", data + "/"),
                ["DOTNET_RUNNING_IN_CONTAINER"] = "true",
                ["HOME"] = data,
            };
            var dll = Path.Combine(app, "DefectApi.dll");
            string[] command = asAppUser
                ? ["setpriv", $"--reuid={AppUid}", $"--regid={AppUid}", "--clear-groups", "--", "dotnet", dll]
                : ["dotnet", dll];
            using var service = RunningService.Start(command, environment, app);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

            await WaitUntilReadyAsync(client, service.Process);

            Assert.Equal(0, await RunAsync(Dockerfile.HealthCheckCommand(final), new() { ["ASPNETCORE_HTTP_PORTS"] = port.ToString() }));
            Assert.NotEqual(0, await RunAsync(Dockerfile.HealthCheckCommand(final),
                new() { ["ASPNETCORE_HTTP_PORTS"] = ServiceProcess.FreePort().ToString() }));
            Assert.True(File.Exists(Path.Combine(data, "defects.db")));
            Assert.False(Directory.Exists(Path.Combine(app, "data")), "the service wrote its database next to the app, not to /data");
            var uid = File.ReadLines($"/proc/{service.Process.Id}/status").Single(l => l.StartsWith("Uid:")).Split('\t',
                StringSplitOptions.RemoveEmptyEntries)[1..];
            Assert.All(uid, u => Assert.Equal(asAppUser ? AppUid.ToString() : CurrentUid(), u));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    static async Task WaitUntilReadyAsync(HttpClient client, Process service)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(service.HasExited, "the service exited during start");
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        Assert.Fail("the service was not ready within 30 s");
    }

    static async Task<int> RunAsync(string[] command, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(command[0], command[1..]) { UseShellExecute = false };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    static bool IsRoot() => CurrentUid() == "0";

    static string CurrentUid() =>
        File.ReadLines("/proc/self/status").Single(l => l.StartsWith("Uid:")).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];


    [DllImport("libc", SetLastError = true)]
    static extern int chown(string path, int owner, int group);

    /// <summary>The app as a process; setpriv execs into it, so the process is the service.</summary>
    sealed class RunningService(Process process) : IDisposable
    {
        public Process Process { get; } = process;

        public static RunningService Start(string[] command, IDictionary<string, string> environment, string workingDirectory)
        {
            var start = new ProcessStartInfo(command[0], command[1..])
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Only the image's environment decides where it listens and which settings apply.
            foreach (var name in new[] { "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
                start.Environment.Remove(name);
            foreach (var (key, value) in environment) start.Environment[key] = value;
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new RunningService(process);
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }
            Process.Dispose();
        }
    }

    /// <summary>The Dockerfile as instructions per stage: continuation lines joined, comments dropped.</summary>
    sealed record Dockerfile(IReadOnlyList<Stage> Stages)
    {
        public Stage FinalStage => Stages[^1];

        public static Dockerfile Read()
        {
            var logical = new List<string>();
            var pending = "";
            foreach (var raw in File.ReadLines(Path.Combine(RepositoryRoot, "Dockerfile")))
            {
                var line = raw.Trim();
                if (line.StartsWith('#') || line.Length == 0) continue;
                if (line.EndsWith('\\')) { pending += line[..^1] + " "; continue; }
                logical.Add(pending + line);
                pending = "";
            }
            var stages = new List<Stage>();
            foreach (var line in logical)
            {
                var split = line.IndexOfAny([' ', '\t']);
                var instruction = new Instruction(line[..split].ToUpperInvariant(), line[(split + 1)..].Trim());
                if (instruction.Keyword == "FROM") stages.Add(new Stage([]));
                stages[^1].Instructions.Add(instruction);
            }
            return new Dockerfile(stages);
        }

        /// <summary>The HEALTHCHECK's exec-form command, as the container engine runs it.</summary>
        public static string[] HealthCheckCommand(Stage stage)
        {
            var arguments = stage.Single("HEALTHCHECK");
            return JsonSerializer.Deserialize<string[]>(arguments[(arguments.IndexOf("CMD [", StringComparison.Ordinal) + 4)..])!;
        }
    }

    sealed record Instruction(string Keyword, string Arguments);

    sealed record Stage(List<Instruction> Instructions)
    {
        public string Single(string keyword) => Instructions.Single(i => i.Keyword == keyword).Arguments;

        public int IndexOf(string keyword, Func<string, bool>? where = null) =>
            Instructions.FindIndex(i => i.Keyword == keyword && (where?.Invoke(i.Arguments) ?? true));

        public int LastIndexOf(string keyword) => Instructions.FindLastIndex(i => i.Keyword == keyword);

        /// <summary>ENV name=value pairs (values may be double-quoted).</summary>
        public IReadOnlyDictionary<string, string> Env => Instructions.Where(i => i.Keyword == "ENV")
            .SelectMany(i => Regex.Matches(i.Arguments, @"([A-Za-z_][A-Za-z0-9_]*)=(""[^""]*""|\S*)"))
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim('"'));
    }
}
