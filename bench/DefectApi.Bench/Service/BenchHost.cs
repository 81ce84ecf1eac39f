using DefectApi.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace DefectApi.Bench.Service;

/// <summary>The real service, started in this process on a loopback port with a database of its own.</summary>
internal sealed class BenchHost : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly string _folder;
    public Uri Address { get; }
    public IServiceProvider Services => _app.Services;

    BenchHost(WebApplication app, string folder, Uri address) => (_app, _folder, Address) = (app, folder, address);

    /// <summary>The SQLite file, when the service runs on the default provider.</summary>
    public string DatabaseFile => Path.Combine(_folder, DatabaseFileName);

    const string DatabaseFileName = "bench.db";

    /// <param name="services">registrations made after the service's own, so they replace them (a bench's clock)</param>
    public static async Task<BenchHost> StartAsync(Action<WebApplication>? extraRoutes = null,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var folder = Directory.CreateTempSubdirectory("defectapi-bench-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Defects"] = $"Data Source={Path.Combine(folder, DatabaseFileName)}",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            // The load generator is one client address: lift the per-caller rate limit out of the way.
            ["RateLimiting:PermitsPerSecond"] = "10000000",
            ["RateLimiting:Burst"] = "10000000",
            // Production requires API keys; the benches call without one, as their figures in the README were measured.
            ["Auth:RequireKeys"] = "false",
            // No load balancer to drain from: a bench process exits as soon as it is done.
            ["Shutdown:DrainSeconds"] = "0",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddDefectApi();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapDefectApi();
        extraRoutes?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BenchHost(app, folder, new Uri(address));
    }

    public HttpClient CreateClient() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 })
    {
        BaseAddress = Address, Timeout = TimeSpan.FromMinutes(30),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
