namespace DefectApi.Tests.OpenApi;

/// <summary>The text of /openapi/v1.json as a fresh service serves it, fetched once per test class.</summary>
public sealed class ServedDocument : IDisposable
{
    readonly ApiFactory _factory = new();

    public string Text { get; }

    public ServedDocument() => Text = _factory.CreateClient().GetStringAsync("/openapi/v1.json").GetAwaiter().GetResult();

    public void Dispose() => _factory.Dispose();
}
