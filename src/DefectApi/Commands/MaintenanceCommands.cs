using DefectApi.Data;
using DefectApi.Hosting;
using Microsoft.Extensions.Options;

namespace DefectApi.Commands;

/// <summary>One of the commands <c>dotnet DefectApi.dll NAME …</c> runs in place of the service.</summary>
public interface IMaintenanceCommand
{
    string Name { get; }

    /// <summary>The arguments after the name, as the usage line shows them.</summary>
    string Usage { get; }

    IReadOnlyCollection<string> Options { get; }
    IReadOnlyCollection<string> Flags { get; }

    /// <summary>0 when done, 1 when refused or failed (with the reason written), 2 for unusable arguments.</summary>
    Task<int> RunAsync(MaintenanceContext context, CommandArguments arguments, TextWriter output);
}

/// <summary>What a command sees: the service's configuration, and its data folder, resolved against the same content
/// root, so that a command finds the database the service uses.</summary>
public sealed record MaintenanceContext(IConfiguration Configuration, DataFolder Data)
{
    const string ProviderKey = DatabaseOptions.SectionName + ":" + nameof(DatabaseOptions.Provider);

    public DatabaseProvider Provider => Configuration[ProviderKey] is not { Length: > 0 } value ? DatabaseProvider.Sqlite
        : Enum.TryParse<DatabaseProvider>(value, ignoreCase: true, out var provider) ? provider
        : throw new CommandException($"{ProviderKey} is '{value}'; it must be sqlite or postgres.", CommandException.Usage);

    public string? ConfiguredConnectionString => Configuration.GetConnectionString(DatabaseConnection.ConnectionStringName);

    public DatabaseConnection Database
    {
        get
        {
            try { return DatabaseConnection.Resolve(Provider, ConfiguredConnectionString, Data); }
            catch (Exception e) when (e is OptionsValidationException or ArgumentException)
            {
                throw new CommandException(
                    $"ConnectionStrings:{DatabaseConnection.ConnectionStringName} cannot be used: {e.Message}", CommandException.Usage);
            }
        }
    }

    /// <summary>The SQLite file the service uses, for the commands that work on it. On PostgreSQL its own tools do
    /// that work: the refusal says how (<paramref name="postgresAdvice"/> of the connection string).</summary>
    public string SqliteFile(Func<string, string> postgresAdvice)
    {
        var database = Database;
        if (database.Provider == DatabaseProvider.Postgres) throw new CommandException(postgresAdvice(database.ConnectionString));
        return database.SqliteFile ?? throw new CommandException("The configured database is in memory: it has no file to back " +
            "up or restore.");
    }
}

/// <summary>A command stops with this reason; nothing it would have written is left behind.</summary>
public sealed class CommandException(string message, int exitCode = CommandException.Refused) : Exception(message)
{
    public const int Refused = 1;
    public const int Usage = 2;

    public int ExitCode { get; } = exitCode;
}

/// <summary>Finds and runs a maintenance command, so that Program.cs only asks whether one was named.</summary>
public static class MaintenanceCommands
{
    static readonly IMaintenanceCommand[] All = [new DatabaseCopyCommand(), new BackupCommand(), new RestoreCommand()];

    /// <summary>A first argument that is not a setting (<c>--key value</c>, <c>/key value</c>, <c>key=value</c>) names a
    /// command: a known one, or a mistake to report rather than start the service.</summary>
    public static bool Requested(string[] args) => args.Length > 0 && args[0] is var first
        && !first.StartsWith('-') && !first.StartsWith('/') && !first.Contains('=');

    /// <summary>Runs the command <paramref name="args"/> names: its report goes to <paramref name="output"/>, a refusal
    /// or a usage error to <paramref name="error"/>, with the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (All.FirstOrDefault(c => c.Name == args[0]) is not { } command)
        {
            await error.WriteLineAsync($"Unknown command '{args[0]}'. Commands: {string.Join(", ", All.Select(c => c.Name))}; " +
                "without a command the service starts.");
            return CommandException.Usage;
        }
        var usage = $"usage: dotnet DefectApi.dll {command.Name} {command.Usage}";
        var arguments = CommandArguments.Parse(args[1..], command.Options, command.Flags);
        if (arguments.Error is { } problem)
        {
            await error.WriteLineAsync($"{problem}\n{usage}");
            return CommandException.Usage;
        }
        try
        {
            // The service's own configuration sources (without its command line) and content root; no host starts.
            var builder = WebApplication.CreateBuilder(ContentRoot.Options([]));
            builder.AddTopLevelSettings();
            var context = new MaintenanceContext(builder.Configuration, DataFolder.From(builder.Configuration, builder.Environment));
            return await command.RunAsync(context, arguments, output);
        }
        catch (CommandException e)
        {
            await error.WriteLineAsync(e.Message);
            return e.ExitCode;
        }
    }
}
