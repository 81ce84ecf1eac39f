using DefectApi.Audit;
using DefectApi.Data;

namespace DefectApi.Security;

/// <summary>Before the server takes requests: reads the stored keys into the ring and, when keys are required but none
/// is configured or stored, creates the first admin key, stores its hash and prints the key this once (as Jupyter
/// prints its token). A later start finds the hash stored and only says that keys are in force.</summary>
internal sealed partial class KeyRingStartup(
    IServiceScopeFactory scopes, KeyRing keys, TimeProvider clock, IHostEnvironment environment, ILogger<KeyRingStartup> logger)
        : IHostedService
{
    public const string FirstKeyName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DefectDbContext>();
        var version = keys.Version;
        keys.ReplaceStored(await KeyStore.LoadAsync(db, cancellationToken), version);
        if (keys.Keys.Count == 0 && keys.Required)
        {
            var audit = AuditTrail.Entry(AuditTrail.ServiceName, clock, AuditActions.KeyCreate, AuditTrail.KeyTarget(FirstKeyName),
                "Created at the first start, with no key configured or stored; the key was printed to the log once.");
            if (await KeyStore.CreateAsync(db, FirstKeyName, [Scopes.Admin], audit, clock, cancellationToken) is { } created)
            {
                keys.Added(created.Stored);
                LogFirstKey(FirstKeyName, created.Secret);
                return;
            }
            // Another replica starting on the same database stored it first, and printed it.
            version = keys.Version;
            keys.ReplaceStored(await KeyStore.LoadAsync(db, cancellationToken), version);
        }
        if (keys.IsOpen)
        {
            if (environment.IsDevelopment()) LogOpenInDevelopment();
            else LogOpenByConfiguration();
        }
        else LogKeysInForce(Count(keys));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static string Count(KeyRing keys)
    {
        var configured = keys.Keys.Count(k => k.Source == KeySource.Configuration);
        return $"{keys.Keys.Count} API key(s) in force ({configured} configured, {keys.Keys.Count - configured} stored in the database)";
    }

    [LoggerMessage(LogLevel.Warning, "No API key was configured or stored, so this first start created the admin key '{Name}'. " +
        "It is shown this once; only its SHA-256 is kept. Send it in the X-Api-Key header:\n\n    {Key}\n\n" +
        "Create further keys with POST /api/keys or the dashboard's Keys page, and revoke this one once you have another admin key.")]
    partial void LogFirstKey(string name, string key);

    [LoggerMessage(LogLevel.Information, "{Keys}: calls need X-Api-Key. Manage stored keys with /api/keys or the dashboard's Keys page.")]
    partial void LogKeysInForce(string keys);

    [LoggerMessage(LogLevel.Warning,
        "No API keys are configured or stored: in Development the service is open to anyone who can reach it. " +
        "Elsewhere keys are required, and a first start without any creates an admin key.")]
    partial void LogOpenInDevelopment();

    [LoggerMessage(LogLevel.Warning, "Auth:RequireKeys is false and no API keys are configured or stored: the service is open to " +
        "anyone who can reach it. Remove that setting to have an admin key created, or configure keys (Auth:ApiKeys).")]
    partial void LogOpenByConfiguration();
}
