using DefectApi.Data;
using Microsoft.Data.Sqlite;

namespace DefectApi.Commands;

/// <summary><c>dotnet DefectApi.dll restore --from FILE</c>: puts a backup back as the SQLite database the service
/// uses. It refuses a file that is not a DefectApi database (or is from a newer version), a target that holds data
/// unless <c>--force</c> says to replace it, and a target a running service has open; it writes the copy beside the
/// target and renames it into place, so the target is either untouched or wholly the backup. On PostgreSQL it prints
/// the <c>pg_restore</c> command instead.</summary>
public sealed class RestoreCommand : IMaintenanceCommand
{
    public string Name => "restore";
    public string Usage => "--from FILE [--force]";
    public IReadOnlyCollection<string> Options { get; } = ["--from"];
    public IReadOnlyCollection<string> Flags { get; } = ["--force"];

    public async Task<int> RunAsync(MaintenanceContext context, CommandArguments arguments, TextWriter output)
    {
        var from = arguments.Required("--from", this);
        var target = context.SqliteFile(server => PostgresTools.RestoreAdvice(server, from));
        var source = Path.GetFullPath(from);
        if (!File.Exists(source)) throw new CommandException($"There is no file at {source}; nothing was restored.");
        if (source == target) throw new CommandException("--from names the service's own database; name the backup file.");

        var migrations = await SqliteBackupFile.MigrationsAsync(source);
        SqliteBackupFile.RequireKnown(migrations, source);
        if (File.Exists(target))
        {
            if (!arguments.Flag("--force") && await SqliteBackupFile.HeldAsync(target) is { } held)
                throw new CommandException($"{target} already holds {held}; nothing was changed. Restore into an empty location " +
                    $"(ConnectionStrings:Defects or {DataFolder.Variable}), or add --force to replace it (back it up first).");
            if (await SqliteBackupFile.InUseAsync(target))
                throw new CommandException($"{target} is open in a running service; nothing was changed. Stop the service, then restore.");
        }

        await SqliteBackupFile.CopyAsync(source, SqliteOpenMode.ReadOnly, target, async copy =>
        {
            if (!(await SqliteBackupFile.MigrationsAsync(copy)).SequenceEqual(migrations))
                throw new CommandException($"{source} changed while it was read; nothing was changed. Restore it again.");
        });
        await output.WriteLineAsync($"Restored {source} into {target} (schema at {migrations[^1]}; " +
            $"{await SqliteBackupFile.HeldAsync(target) ?? "an empty registry"}).");
        await output.WriteLineAsync("Start the service: it applies the migrations of a newer version at start.");
        return 0;
    }
}
