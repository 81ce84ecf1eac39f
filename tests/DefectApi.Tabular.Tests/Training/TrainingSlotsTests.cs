namespace DefectApi.Tabular.Tests.Training;

public class TrainingSlotsTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void MembersTrainingAtOnceNeverExceedTheCapAndTheModelIsTheSame()
    {
        // Four member threads (the ceiling), but at most two members may train at once.
        var slots = new TrainingSlots(4, () => 2);
        var options = TrainedModels.FastOptions with { Epochs = 5, EarlyStoppingPatience = 0, EnsembleSize = 4 };
        var reports = new List<TrainingProgress>();

        var capped = TabularTrainer.Train(models.Frame, options, reports.Add, default, default, slots);

        // The members the progress names as training (begun, not finished) are counted apart from the slots; without
        // the cap, four threads would have four members in training.
        Assert.InRange(reports.Max(r => r.Ensemble!.Training.Count), 1, 2);
        Assert.Equal([1, 2, 3, 4], reports.SelectMany(r => r.Ensemble!.Training).Select(t => t.Member).Distinct().Order());
        Assert.Equal(0, slots.Held);
        var inTurn = TabularTrainer.Train(models.Frame, options with { MemberWorkers = 1 }, null, default, default);
        Assert.Equal(inTurn.Artifact.ToBytes(), capped.Artifact.ToBytes());
    }

    [Fact]
    public void ACapThatDropsMidJobPausesAllButOneMemberAndTheModelIsTheSame()
    {
        int cap = 2;
        var slots = new TrainingSlots(2, () => Volatile.Read(ref cap));
        var options = TrainedModels.FastOptions with { Epochs = 60, EarlyStoppingPatience = 0, EnsembleSize = 2 };
        var reporters = new List<int>();
        void Report(TrainingProgress progress)
        {
            reporters.Add(progress.Ensemble!.Reported.Member);
            if (reporters.Count == 10) Volatile.Write(ref cap, 1);
            if (reporters.Count == 50) Volatile.Write(ref cap, 2);
        }

        var switched = TabularTrainer.Train(models.Frame, options, Report, default, default, slots);

        // The member that was past its last step when the cap dropped may report that epoch; from then on only one
        // member trains until the cap rises again.
        Assert.Single(reporters.Skip(12).Take(38).Distinct());
        Assert.Equal(120, reporters.Count);
        var unswitched = TabularTrainer.Train(models.Frame, options with { MemberWorkers = 1 }, null, default, default);
        Assert.Equal(unswitched.Artifact.ToBytes(), switched.Artifact.ToBytes());
        Assert.Equal(unswitched.History, switched.History);
    }

    [Fact]
    public async Task AWaitingMemberResumesWhenTheCapRisesWithoutBeingSignalled()
    {
        int cap = 1;
        var slots = new TrainingSlots(2, () => Volatile.Read(ref cap));
        using var first = slots.Enter(default);

        var second = Task.Factory.StartNew(() => slots.Enter(default), TaskCreationOptions.LongRunning);
        await Task.Delay(TrainingSlots.RecheckInterval * 4);
        Assert.False(second.IsCompleted);
        Volatile.Write(ref cap, 2);

        using var hold = await second.WaitAsync(Patience);
        Assert.Equal(2, slots.Held);
    }

    [Fact]
    public async Task AMemberThatYieldsItsSlotToALowerCapWaitsAndACancelEndsTheWait()
    {
        int cap = 2;
        var slots = new TrainingSlots(2, () => Volatile.Read(ref cap));
        using var first = slots.Enter(default);
        var second = slots.Enter(default);
        Volatile.Write(ref cap, 1);
        using var cancel = new CancellationTokenSource();

        var yielding = Task.Factory.StartNew(() => second.Yield(cancel.Token), TaskCreationOptions.LongRunning);
        await Task.Delay(TrainingSlots.RecheckInterval * 4);
        Assert.False(yielding.IsCompleted);
        Assert.Equal(1, slots.Held);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => yielding.WaitAsync(Patience));
        second.Dispose();   // holds nothing after the cancel: the count must not go below the first member's slot
        Assert.Equal(1, slots.Held);
    }

    [Fact]
    public void MemberThreadsRunBelowNormalPriorityWhenTheSlotsAskForIt()
    {
        var slots = new TrainingSlots(2, () => 2) { BelowNormalPriority = true };
        var options = TrainedModels.FastOptions with { Epochs = 2, EarlyStoppingPatience = 0, EnsembleSize = 2 };
        var priorities = new List<int>();
        int before = CurrentThreadPriority();

        // Progress is reported on the thread that trains the member.
        TabularTrainer.Train(models.Frame, options, _ => priorities.Add(CurrentThreadPriority()), default, default, slots);

        Assert.NotEmpty(priorities);
        Assert.All(priorities, p => Assert.Equal(Lowered(before), p));
        Assert.Equal(before, CurrentThreadPriority());
    }

    [Fact]
    public async Task AJobThreadRunsBelowNormalPriority() =>
        Assert.Equal(Lowered(CurrentThreadPriority()), await TrainingThreads.RunBelowNormal("test", CurrentThreadPriority));

    /// <summary>What a thread started from one at <paramref name="normal"/> runs at once lowered: a runner already
    /// niced past the training value stays where it is.</summary>
    static int Lowered(int normal) =>
        OperatingSystem.IsLinux() ? Math.Max(normal, TrainingThreads.LinuxNice) : (int)ThreadPriority.BelowNormal;

    /// <summary>The calling thread's nice value on Linux (read back from the kernel, field 19 of its stat line), its
    /// .NET priority elsewhere.</summary>
    static int CurrentThreadPriority()
    {
        if (!OperatingSystem.IsLinux()) return (int)Thread.CurrentThread.Priority;
        var stat = File.ReadAllText("/proc/thread-self/stat");
        // The command name, in parentheses, may hold spaces: count fields after its closing parenthesis (field 3 on).
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16]);
    }
}
