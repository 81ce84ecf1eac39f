namespace DefectApi.Tests.Infrastructure;

/// <summary>The base of a suite that runs against a fresh in-process service on one database provider: the suite is
/// abstract and has a sealed subclass per provider (…OnSqlite, …OnPostgres).</summary>
public abstract class ServiceOnProvider : IDisposable
{
    protected ServiceOnProvider(DatabaseProvider provider, IDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        Factory = new(settings, provider, clock);
        Client = Factory.CreateClient();
    }

    protected ApiFactory Factory { get; }
    protected HttpClient Client { get; }

    public void Dispose() => Factory.Dispose();
}
