using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace DefectApi.Data;

/// <summary>The database refused to grow past <c>Storage:MaxDatabaseBytes</c>. A <see cref="DbException"/>, so that
/// every path that treats a full SQLite file (SQLITE_FULL) as "retry later" treats this alike.</summary>
public sealed class DatabaseFullException(long size, long adding, long limit) : DbException(
    $"The database holds {size:N0} bytes; {adding:N0} more would pass Storage:MaxDatabaseBytes ({limit:N0}).");

/// <summary>
/// <c>Storage:MaxDatabaseBytes</c> on PostgreSQL, which has no per-database quota of its own (SQLite's is its
/// <c>max_page_count</c>, set on every connection by <see cref="SqlitePragmas"/>). Every path that adds rows asks here
/// first with the bytes it is about to add: uploads (per chunk of their COPY, through an <see cref="Upload"/>), the
/// prediction log (per batch), outcomes, and EF's inserts (models, jobs, deployments) through
/// <see cref="PostgresSizeLimitInterceptor"/>.
/// <para>The size is <c>pg_database_size(current_database())</c>, the files' size on disk. It is measured at most once a
/// second; in between it is estimated as the last measurement plus what was let in since. A write that the estimate
/// would put past the limit is checked against a fresh measurement before it is refused.</para>
/// <para>An upload's COPY may not be in the files yet: PostgreSQL keeps up to 1,000 rows of a binary COPY in memory
/// before it writes them. So an upload counts all it has sent, but never twice: the database holds at least the larger
/// of its size now and its size when the upload began plus the upload. Other uploads in progress count in full.</para>
/// <para>Deleted rows keep their space in the files until VACUUM returns it, so after a refused upload the chunk table
/// is vacuumed at once (<see cref="ReturnChunkSpaceAsync"/>): its rows were the last written, and plain VACUUM
/// truncates free pages at a table's end.</para>
/// </summary>
public sealed class PostgresSizeLimit(DatabaseConnection connection, IOptions<StorageOptions> options, TimeProvider clock)
{
    /// <summary>What a row costs beyond its values, for the writers' estimates: the tuple header, its item pointer,
    /// index entries, TOAST pointers.</summary>
    public const int RowOverhead = 96;

    static readonly TimeSpan TrustEstimateFor = TimeSpan.FromSeconds(1);
    /// <summary>Refused writers arriving together share one measurement rather than each asking the server.</summary>
    static readonly TimeSpan ShareMeasurementFor = TimeSpan.FromMilliseconds(100);

    readonly SemaphoreSlim _measuring = new(1, 1);
    readonly Lock _gate = new();
    long _measured;
    long _addedSince;
    long _measuredAt;
    bool _everMeasured;
    /// <summary>What uploads in progress have sent, which may not be in the files yet.</summary>
    long _uploading;

    long? Limit => connection.Provider == DatabaseProvider.Postgres ? options.Value.MaxDatabaseBytes : null;

    public ValueTask EnsureRoomAsync(long bytes, CancellationToken ct) => EnsureRoomAsync(bytes, upload: null, ct);

    /// <summary>The accounting of one upload's COPY; dispose it when the COPY ends, after <see cref="Upload.Complete"/>
    /// if it committed.</summary>
    public Upload StartUpload() => new(this);

    public sealed class Upload(PostgresSizeLimit limit) : IDisposable
    {
        internal long? SizeAtStart;
        internal long Written;
        internal bool Finished;

        public ValueTask EnsureRoomAsync(long bytes, CancellationToken ct) => limit.EnsureRoomAsync(bytes, this, ct);

        /// <summary>The COPY committed: its rows are in the files, counted until the next measurement sees them.</summary>
        public void Complete() => limit.Finish(this, committed: true);

        /// <summary>A COPY that did not complete was cancelled and wrote nothing.</summary>
        public void Dispose() => limit.Finish(this, committed: false);
    }

    async ValueTask EnsureRoomAsync(long bytes, Upload? upload, CancellationToken ct)
    {
        if (Limit is not { } limit) return;
        lock (_gate)
            if (MeasuredWithin(TrustEstimateFor) && Estimate(upload) + bytes <= limit)
            {
                Admit(bytes, upload);
                return;
            }
        await MeasureAsync(ct);
        lock (_gate)
        {
            var estimate = Estimate(upload);
            if (estimate + bytes > limit) throw new DatabaseFullException(estimate, bytes, limit);
            Admit(bytes, upload);
        }
    }

    /// <summary>Returns the space of dataset chunks just deleted (a refused or failed upload's).</summary>
    public async Task ReturnChunkSpaceAsync(DefectDbContext db)
    {
        if (Limit is null) return;
        await PostgresSql.VacuumChunksAsync(db);
        lock (_gate) _everMeasured = false;
    }

    /// <summary>What the database holds, as far as it is known, before the writer's bytes (called under the gate).</summary>
    long Estimate(Upload? upload)
    {
        var current = _measured + _addedSince;
        if (upload is null) return current + _uploading;
        upload.SizeAtStart ??= current;
        return Math.Max(current, upload.SizeAtStart.Value + upload.Written) + (_uploading - upload.Written);
    }

    void Admit(long bytes, Upload? upload)
    {
        if (upload is null)
        {
            _addedSince += bytes;
            return;
        }
        upload.Written += bytes;
        _uploading += bytes;
    }

    void Finish(Upload upload, bool committed)
    {
        lock (_gate)
        {
            if (upload.Finished) return;
            upload.Finished = true;
            _uploading -= upload.Written;
            if (committed) _addedSince += upload.Written;
        }
    }

    async Task MeasureAsync(CancellationToken ct)
    {
        await _measuring.WaitAsync(ct);
        try
        {
            lock (_gate)
                if (MeasuredWithin(ShareMeasurementFor)) return;
            var size = await PostgresSql.DatabaseSizeAsync(connection.ConnectionString, ct);
            lock (_gate)
            {
                _measured = size;
                _addedSince = 0;
                _measuredAt = clock.GetTimestamp();
                _everMeasured = true;
            }
        }
        finally
        {
            _measuring.Release();
        }
    }

    bool MeasuredWithin(TimeSpan age) => _everMeasured && clock.GetElapsedTime(_measuredAt) <= age;
}

/// <summary>Asks <see cref="PostgresSizeLimit"/> before EF runs a command that inserts rows; the migrations' own
/// bookkeeping is let through, so that a full database can still be upgraded.</summary>
public sealed class PostgresSizeLimitInterceptor(PostgresSizeLimit limit) : DbCommandInterceptor
{
    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await CheckAsync(command, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await CheckAsync(command, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await CheckAsync(command, cancellationToken);
        return result;
    }

    // The service runs every command asynchronously; a synchronous one (a tool, a future caller) waits for the check.
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result)
    {
        CheckAsync(command, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        CheckAsync(command, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return result;
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result)
    {
        CheckAsync(command, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return result;
    }

    ValueTask CheckAsync(DbCommand command, CancellationToken ct)
    {
        var sql = command.CommandText;
        if (!sql.Contains("INSERT INTO", StringComparison.OrdinalIgnoreCase)
            || sql.Contains("__EFMigrationsHistory", StringComparison.Ordinal))
            return ValueTask.CompletedTask;
        long bytes = PostgresSizeLimit.RowOverhead;
        foreach (DbParameter parameter in command.Parameters)
            bytes += parameter.Value switch { byte[] blob => blob.Length, string text => text.Length, _ => 8 };
        return limit.EnsureRoomAsync(bytes, ct);
    }
}
