using DefectApi.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Commands;

/// <summary>Copies and checks SQLite database files for <c>backup</c> and <c>restore</c>.
/// <list type="bullet">
/// <item>A copy is made with SQLite's online backup API: one read transaction on the source, so the copy is the
/// database as of one moment while the service goes on writing. A plain file copy of a WAL database can catch the
/// file and its <c>-wal</c> at different moments.</item>
/// <item>It is written to a temporary file beside the target, checked, and only then renamed over it, so that an
/// interrupted command never leaves a half-written target. Journals beside the target (<c>-wal</c>, <c>-shm</c>)
/// belong to the file being replaced and are removed first: SQLite would apply an old WAL to the new file.</item>
/// </list></summary>
internal static class SqliteBackupFile
{
    static readonly string[] JournalSuffixes = ["-wal", "-shm", "-journal"];

    public static async Task CopyAsync(string source, SqliteOpenMode sourceMode, string target, Func<string, Task> checkCopy)
    {
        var temporary = $"{target}.{Guid.NewGuid():N}.partial";
        try
        {
            await using (var from = Open(source, sourceMode))
            await using (var to = Open(temporary, SqliteOpenMode.ReadWriteCreate))
            {
                await from.OpenAsync();
                await to.OpenAsync();
                // The service's writers hold SQLite's write lock only briefly; a reader waits for it rather than fail.
                await ExecuteAsync(from, "PRAGMA busy_timeout = 30000;");
                from.BackupDatabase(to);
                // One self-contained file: no WAL beside the copy.
                await ExecuteAsync(to, "PRAGMA journal_mode = DELETE;");
                if (await ScalarAsync(to, "PRAGMA quick_check;") is var check and not "ok")
                    throw new CommandException($"The copy failed SQLite's check ({check}); nothing was written.");
            }
            await checkCopy(temporary);
            foreach (var journal in JournalSuffixes) File.Delete(target + journal);
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            foreach (var file in JournalSuffixes.Select(s => temporary + s).Prepend(temporary)) File.Delete(file);
        }
    }

    /// <summary>The migrations applied to a DefectApi database file; a file that is not one is refused with why.</summary>
    public static async Task<IReadOnlyList<string>> MigrationsAsync(string file)
    {
        try
        {
            await using var connection = Open(file, SqliteOpenMode.ReadOnly);
            await connection.OpenAsync();
            if (await ScalarAsync(connection,
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory';") == "0")
                throw new CommandException($"{file} is an SQLite database but not a DefectApi one: it has no " +
                    "__EFMigrationsHistory table. Nothing was changed.");
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\";";
            var migrations = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) migrations.Add(reader.GetString(0));
            if (migrations.Count == 0)
                throw new CommandException($"{file} has an empty migrations table: it was never a DefectApi database. Nothing " +
                    "was changed.");
            return migrations;
        }
        catch (SqliteException e)
        {
            throw new CommandException($"{file} is not an SQLite database that can be read (SQLite: {e.Message}). Nothing was changed.");
        }
    }

    /// <summary>Refuses a database written by a newer version: this one cannot read its schema, and would not know it
    /// cannot until requests fail.</summary>
    public static void RequireKnown(IEnumerable<string> migrations, string file)
    {
        using var db = new SqliteDefectDbContext(new DbContextOptionsBuilder<SqliteDefectDbContext>()
            .UseSqlite("Data Source=:memory:").Options);
        var known = db.Database.GetMigrations().ToHashSet();
        if (migrations.FirstOrDefault(m => !known.Contains(m)) is { } unknown)
            throw new CommandException($"{file} was written by a newer DefectApi (its migration {unknown} is unknown to this version). " +
                "Restore it with that version or a later one. Nothing was changed.");
    }

    /// <summary>What the registry in a file holds (null when empty); a file that is not a DefectApi database counts
    /// as holding something, since replacing it could lose what it is.</summary>
    public static async Task<string?> HeldAsync(string file)
    {
        try
        {
            await using var db = new SqliteDefectDbContext(new DbContextOptionsBuilder<SqliteDefectDbContext>()
                .UseSqlite(Builder(file, SqliteOpenMode.ReadWrite).ToString()).Options);
            return await RegistryContents.DescribeAsync(db);
        }
        catch (SqliteException e)
        {
            return $"a file that is not a DefectApi database (SQLite: {e.Message})";
        }
    }

    /// <summary>Whether a process (a running service) has the database open. In WAL mode every open connection holds
    /// a shared lock on the file, so an exclusive lock is refused at once while the service runs.</summary>
    public static async Task<bool> InUseAsync(string file)
    {
        var builder = Builder(file, SqliteOpenMode.ReadWrite);
        builder.DefaultTimeout = 1;
        await using var connection = new SqliteConnection(builder.ToString());
        try
        {
            await connection.OpenAsync();
            // One statement per command: run as one batch, BEGIN EXCLUSIVE was let through while the service held the file.
            foreach (var statement in new[] { "PRAGMA busy_timeout = 0;", "PRAGMA locking_mode = EXCLUSIVE;", "BEGIN EXCLUSIVE;",
                "COMMIT;" })
                await ExecuteAsync(connection, statement);
            return false;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            return true;
        }
    }

    static SqliteConnectionStringBuilder Builder(string file, SqliteOpenMode mode) =>
        new() { DataSource = file, Mode = mode, Pooling = false };

    static SqliteConnection Open(string file, SqliteOpenMode mode) => new(Builder(file, mode).ToString());

    static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    static async Task<string?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
