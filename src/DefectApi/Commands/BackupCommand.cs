using DefectApi.Data;
using Microsoft.Data.Sqlite;

namespace DefectApi.Commands;

/// <summary><c>dotnet DefectApi.dll backup --to FILE</c>: a consistent copy of the SQLite database the service uses,
/// taken while it runs (see <see cref="SqliteBackupFile"/>). The copy is one self-contained file that
/// <c>restore --from FILE</c> puts back. On PostgreSQL it prints the <c>pg_dump</c> command instead.</summary>
public sealed class BackupCommand : IMaintenanceCommand
{
    public string Name => "backup";
    public string Usage => "--to FILE [--force]";
    public IReadOnlyCollection<string> Options { get; } = ["--to"];
    public IReadOnlyCollection<string> Flags { get; } = ["--force"];

    public async Task<int> RunAsync(MaintenanceContext context, CommandArguments arguments, TextWriter output)
    {
        var to = arguments.Required("--to", this);
        var source = context.SqliteFile(server => PostgresTools.BackupAdvice(server, to));
        if (!File.Exists(source))
            throw new CommandException($"There is no database at {source}, so nothing was backed up. ConnectionStrings:Defects and " +
                $"{DataFolder.Variable} name the database, as they do for the service.");
        var target = Path.GetFullPath(to);
        if (target == source) throw new CommandException("--to names the database itself; give the backup a file of its own.");
        if (File.Exists(target) && !arguments.Flag("--force"))
            throw new CommandException($"{target} exists already; nothing was written. Choose another file, or add --force to replace it.");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);

        IReadOnlyList<string> migrations = [];
        await SqliteBackupFile.CopyAsync(source, SqliteOpenMode.ReadWrite, target, async copy =>
            migrations = await SqliteBackupFile.MigrationsAsync(copy));
        await output.WriteLineAsync($"Backed up {source} to {target} ({new FileInfo(target).Length:N0} bytes, schema at " +
            $"{migrations[^1]}).");
        await output.WriteLineAsync($"Restore it with the service stopped: dotnet DefectApi.dll restore --from \"{target}\"");
        return 0;
    }
}
