using DefectApi.NeuralNet.Threading;

namespace DefectApi.NeuralNet.Tests.Training;

public class PoolChooserTests
{
    // A clock under the test's control: each step takes `parallel` ticks with the workers, `serial` without.
    private static bool[] Choices(int parallel, int serial, int steps)
    {
        using var pool = new WorkerPool(2);
        long now = 0;
        var chooser = new PoolChooser(pool, () => now);
        var serialAfter = new bool[steps];
        for (int i = 0; i < steps; i++)
        {
            long started = chooser.StepStarting();
            now += pool.Serial ? serial : parallel;
            chooser.StepDone(started);
            serialAfter[i] = pool.Serial;
        }
        return serialAfter;
    }

    [Fact]
    public void WhenTheWorkersSlowStepsDownTheRestOfTheRunGoesWithoutThem()
    {
        var serial = Choices(parallel: 30, serial: 10, steps: 1700);
        Assert.True(serial[6 * 16 - 1]);   // decided at the end of the six probe windows of 16 steps
        Assert.All(serial[(6 * 16)..(6 * 16 + 96 * 16)], Assert.True);
    }

    [Fact]
    public void WhenTheWorkersSpeedStepsUpTheyAreKept()
    {
        var serial = Choices(parallel: 6, serial: 10, steps: 1700);
        Assert.All(serial[(6 * 16)..(6 * 16 + 96 * 16)], Assert.False);
    }

    [Fact]
    public void TheChoiceIsMeasuredAgainAfterItsStretch()
    {
        // Probing alternates, so after the committed stretch both ways are seen again.
        var serial = Choices(parallel: 30, serial: 10, steps: (6 + 96 + 6) * 16);
        var probe = serial[((6 + 96) * 16)..((6 + 96 + 2) * 16 - 1)];
        Assert.Contains(false, probe);
        Assert.Contains(true, probe);
    }
}
