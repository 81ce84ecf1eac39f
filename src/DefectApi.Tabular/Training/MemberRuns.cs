using System.Runtime.ExceptionServices;

namespace DefectApi.Tabular.Training;

/// <summary>Runs the ensemble's members on a few worker threads of their own (never the thread pool's, which serves
/// requests) that take the next member index as they free up. Each member depends only on its index (its fold and
/// seed), so the results are those of a sequential run.</summary>
internal static class MemberRuns
{
    /// <param name="belowNormalPriority">lower the workers' priority (<see cref="TrainingThreads"/>)</param>
    /// <returns>one result per member, in member order (null where the member was skipped)</returns>
    public static T?[] Run<T>(int members, int workers, bool belowNormalPriority, CancellationToken cancel,
        Func<int, T?> train) where T : class
    {
        var results = new T?[members];
        // The first failure (a cancel, bad data) stops the other workers before their next member.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        ExceptionDispatchInfo? first = null;
        int next = -1;
        void Work()
        {
            if (belowNormalPriority) TrainingThreads.LowerCurrentThreadPriority();
            try
            {
                int m;
                while (!failed.IsCancellationRequested && (m = Interlocked.Increment(ref next)) < members) results[m] = train(m);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref first, ExceptionDispatchInfo.Capture(e), null);
                failed.Cancel();
            }
        }
        var threads = Enumerable.Range(0, Math.Max(workers, 1))
            .Select(_ => new Thread(Work) { IsBackground = true, Name = "ensemble member" }).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        first?.Throw();
        cancel.ThrowIfCancellationRequested();
        return results;
    }
}
