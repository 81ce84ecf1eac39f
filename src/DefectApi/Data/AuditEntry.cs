namespace DefectApi.Data;

/// <summary>One change, who made it (the name of the API key that sent it) and when. The table is append-only: the
/// database itself refuses to change or delete an entry (triggers in the migration that creates it).</summary>
public sealed class AuditEntry
{
    public const int MaxDetailLength = 2000;

    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string KeyName { get; set; }
    public required string Action { get; set; }
    /// <summary>What changed, named as its route without the /api prefix: <c>deployments/line3</c>, <c>models/{id}</c>.</summary>
    public required string Target { get; set; }
    public required string Detail { get; set; }
}
