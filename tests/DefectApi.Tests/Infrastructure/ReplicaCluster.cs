using Npgsql;

namespace DefectApi.Tests.Infrastructure;

/// <summary>Identical service processes on loopback, all on one PostgreSQL database, the way a plant runs replicas
/// behind a load balancer. Short leases and a fast change poll keep the tests quick.</summary>
public sealed class ReplicaCluster : IAsyncDisposable
{
    readonly List<ServiceProcess> _replicas = [];
    readonly IReadOnlyDictionary<string, string> _settings;
    public string ConnectionString { get; }

    ReplicaCluster(string connectionString, IReadOnlyDictionary<string, string>? settings)
    {
        ConnectionString = connectionString;
        _settings = settings ?? new Dictionary<string, string>();
    }

    public IReadOnlyList<ServiceProcess> Replicas => _replicas;
    public ServiceProcess this[int index] => _replicas[index];

    /// <param name="settings">more environment for every replica, e.g. API keys</param>
    public static async Task<ReplicaCluster> StartAsync(int replicas, PostgresServer? server = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var cluster = new ReplicaCluster((server ?? PostgresServer.Shared).CreateDatabase(), settings);
        // Together, as an orchestrator starts them: the migrations' advisory lock keeps them from racing. Each one that
        // started is kept, so that a failure to start another still ends it.
        var starts = Enumerable.Range(0, replicas).Select(_ => cluster.StartReplicaAsync()).ToList();
        try { await Task.WhenAll(starts); }
        catch
        {
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully)) await start.Result.DisposeAsync();
            throw;
        }
        cluster._replicas.AddRange(starts.Select(s => s.Result));
        return cluster;
    }

    public Dictionary<string, string> Environment => new(_settings.Concat(new Dictionary<string, string>
    {
        ["Database__Provider"] = "postgres",
        ["ConnectionStrings__Defects"] = ConnectionString,
        // Short enough to keep the tests quick, long enough that a replica starved of CPU on a busy 2-core machine
        // still renews in time (it renews every third of it).
        ["Training__LeaseSeconds"] = "6",
        ["Database__ChangePollMilliseconds"] = "200",
        ["Logging__LogLevel__Default"] = "Warning",
    }));

    public async Task<ServiceProcess> StartReplicaAsync() => await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), Environment);

    public async Task<ServiceProcess> AddReplicaAsync()
    {
        var replica = await StartReplicaAsync();
        _replicas.Add(replica);
        return replica;
    }

    /// <summary>A replica that differs from the others in <paramref name="settings"/> (environment names).</summary>
    public async Task<ServiceProcess> AddReplicaAsync(IReadOnlyDictionary<string, string> settings)
    {
        var environment = Environment;
        foreach (var (name, value) in settings) environment[name] = value;
        var replica = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), environment);
        _replicas.Add(replica);
        return replica;
    }

    /// <summary>Stops a replica as an orchestrator does: SIGTERM, then its exit (after its drain), which must be clean.</summary>
    public async Task StopAsync(int index, TimeSpan timeout)
    {
        var replica = _replicas[index];
        var exitCode = await replica.TerminateAsync(timeout);
        if (exitCode != 0) throw new InvalidOperationException($"replica {index} exited with {exitCode}. Its output:\n" +
            $"{replica.RecentOutput()}");
    }

    /// <summary>Starts a stopped replica again, as an upgrade does: a new process with the same settings on the same
    /// port, returned once it is ready.</summary>
    public async Task<ServiceProcess> StartAgainAsync(int index)
    {
        var old = _replicas[index];
        if (!old.HasExited) throw new InvalidOperationException($"replica {index} still runs");
        await old.DisposeAsync();
        var fresh = await ServiceProcess.StartAsync(ServiceProcess.AppFolder(), Environment, port: old.BaseAddress.Port);
        _replicas[index] = fresh;
        return fresh;
    }

    /// <summary>The process id of the replica that holds a running job's lease, read from the database.</summary>
    public async Task<int?> TrainerOfAsync(string jobId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"LeaseOwner\" FROM \"TrainingJobs\" WHERE \"Id\" = @id", connection);
        command.Parameters.AddWithValue("id", Guid.Parse(jobId));
        var owner = await command.ExecuteScalarAsync() as string;
        // The owner is "machine:pid:instance".
        return owner?.Split(':') is [_, var pid, _] ? int.Parse(pid) : null;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T));
    }

    public static async Task<JsonElement> WaitForJobAsync(HttpClient client, string jobId, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>($"/api/training-jobs/{jobId}");
            if (done(job)) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {jobId} did not get there in {timeout}: {job}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas) await replica.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
    }
}
