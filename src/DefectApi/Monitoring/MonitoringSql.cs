using System.Data.Common;
using Npgsql;

namespace DefectApi.Monitoring;

/// <summary>
/// The monitoring tables below EF Core, for both providers: the log is written and read per batch at the rate the
/// service answers, where EF's change tracking would cost more than the rows. The SQL is the same on both but for
/// the few places named here (locking, types); values are written as EF stores them, so EF reads them back (a GUID
/// on SQLite is upper-case text).
/// </summary>
internal sealed class MonitoringSql(DbConnection connection, DbTransaction? transaction)
{
    public DbConnection Connection { get; } = connection;
    public DbTransaction? Transaction { get; } = transaction;
    public bool IsPostgres => Connection is NpgsqlConnection;

    /// <summary>PostgreSQL locks the rows it reads for the rest of the transaction; SQLite's writer lock, taken when the
    /// transaction began (BEGIN IMMEDIATE), already keeps other writers out.</summary>
    public string ForUpdate => IsPostgres ? " FOR UPDATE" : "";

    public object Guid(Guid id) => IsPostgres ? id : id.ToString().ToUpperInvariant();

    public static Guid ReadGuid(DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(string) ? System.Guid.Parse(reader.GetString(ordinal)) : reader.GetGuid(ordinal);

    public DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) Add(command, name, value);
        return command;
    }

    public static DbParameter Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>An IN list of parameters named @{prefix}0…: the values chunked by the caller (at most a few hundred).</summary>
    public static string InList(DbCommand command, string prefix, IReadOnlyList<object> values)
    {
        var names = new string[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            names[i] = $"@{prefix}{i}";
            Add(command, names[i], values[i]);
        }
        return string.Join(", ", names);
    }

    public async Task<bool> TableExistsAsync(string table, CancellationToken ct)
    {
        await using var command = IsPostgres
            ? Command("SELECT to_regclass(@t) IS NOT NULL", ("@t", $"\"{table}\""))
            : Command("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @t)", ("@t", table));
        return Convert.ToBoolean(await command.ExecuteScalarAsync(ct));
    }

    /// <summary>Serialises outcome writers of one deployment across replicas (PostgreSQL); on SQLite the IMMEDIATE
    /// transaction already does.</summary>
    public async Task LockDeploymentAsync(string deployment, CancellationToken ct)
    {
        if (!IsPostgres) return;
        await ExecuteAsync("SELECT pg_advisory_xact_lock(@k)", ct, ("@k", PredictionKeys.Hash(deployment, "outcomes", "lock")));
    }
}
