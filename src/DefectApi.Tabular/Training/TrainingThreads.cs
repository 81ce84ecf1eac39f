using System.Runtime.InteropServices;

namespace DefectApi.Tabular.Training;

/// <summary>Training threads that give way to request threads: whenever a request wants a core, the scheduler gives
/// it one before them.</summary>
public static partial class TrainingThreads
{
    /// <summary>The nice value of a training thread on Linux (0 is normal, 19 the lowest). At 10 a thread weighs about a
    /// tenth of a normal one, so a request thread that wakes up preempts it at once, and training still gets a fair
    /// share against other low-priority work on the machine.</summary>
    public const int LinuxNice = 10;

    /// <summary>Lowers the calling thread's priority for the rest of its life. Call it only on a thread of one's own,
    /// never on a thread-pool thread, which would carry the priority into unrelated work.</summary>
    /// <returns>false when the system refused (training then runs at normal priority)</returns>
    public static bool LowerCurrentThreadPriority()
    {
        // .NET's Thread.Priority does nothing on Linux; there the nice value belongs to each thread (not the process,
        // as POSIX says), and PRIO_PROCESS with id 0 means the calling thread. Raising one's own nice needs no privilege;
        // a process started nicer than that is left as it is.
        if (OperatingSystem.IsLinux())
        {
            Marshal.SetLastPInvokeError(0);
            int current = GetPriority(PrioProcess, 0);
            // -1 is a nice value too: only errno tells a failure.
            if (current == -1 && Marshal.GetLastPInvokeError() != 0) current = 0;
            return current >= LinuxNice || SetPriority(PrioProcess, 0, LinuxNice) == 0;
        }
        Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
        return true;
    }

    /// <summary>Starts <paramref name="work"/> on a new thread of its own below normal priority.</summary>
    public static Task<T> RunBelowNormal<T>(string name, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            LowerCurrentThreadPriority();
            // A cancel stays the OperationCanceledException it was, so that the awaiter's catch clauses see it as such.
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return done.Task;
    }

    const int PrioProcess = 0;

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, uint who, int priority);

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int GetPriority(int which, uint who);
}
