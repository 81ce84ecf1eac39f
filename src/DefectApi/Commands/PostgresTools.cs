using Npgsql;

namespace DefectApi.Commands;

/// <summary>On PostgreSQL, <c>backup</c> and <c>restore</c> leave the work to PostgreSQL's own tools, which take a
/// consistent snapshot while replicas run and know every feature of the server; these are the exact commands for the
/// configured database.</summary>
internal static class PostgresTools
{
    public static string BackupAdvice(string connectionString, string file) =>
        "The database is PostgreSQL (Database:Provider=postgres), so this command writes nothing: PostgreSQL's own tool takes " +
        "a consistent backup while the replicas keep running:\n" +
        $"  {CommandLine("pg_dump", connectionString, "-Fc", "-f", file)}\n" +
        PasswordNote(connectionString) +
        "Take one before every upgrade: the service migrates the database at start, and going back means restoring it.";

    public static string RestoreAdvice(string connectionString, string file) =>
        "The database is PostgreSQL (Database:Provider=postgres), so this command changes nothing. Stop every replica, then " +
        "restore the pg_dump -Fc file with PostgreSQL's own tool, into an empty database:\n" +
        $"  {CommandLine("pg_restore", connectionString, "--no-owner", file)}\n" +
        "or replacing what the database holds now:\n" +
        $"  {CommandLine("pg_restore", connectionString, "--clean", "--if-exists", "--no-owner", file)}\n" +
        PasswordNote(connectionString) +
        "Then start the replicas; they apply the migrations of a newer version at start.";

    static string CommandLine(string tool, string connectionString, params string[] arguments)
    {
        var server = new NpgsqlConnectionStringBuilder(connectionString);
        var words = new List<string> { tool };
        if (!string.IsNullOrEmpty(server.Host)) words.AddRange(["-h", server.Host]);
        words.AddRange(["-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (!string.IsNullOrEmpty(server.Username)) words.AddRange(["-U", server.Username]);
        if (!string.IsNullOrEmpty(server.Database)) words.AddRange(["-d", server.Database]);
        words.AddRange(arguments);
        return string.Join(' ', words.Select(Quote));
    }

    static string PasswordNote(string connectionString) =>
        string.IsNullOrEmpty(new NpgsqlConnectionStringBuilder(connectionString).Password) ? ""
            : "(The tools take the password from PGPASSWORD or ~/.pgpass, not from the command line.)\n";

    /// <summary>A word as a POSIX shell reads it back unchanged.</summary>
    static string Quote(string word) =>
        word.Length > 0
            && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,+".Contains(c)) ? word : $"'{word.Replace("'", "'\\''")}'";
}
