using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace DefectApi.NeuralNet.Tests.Kernels;

// The kernels pick Vector512 → Vector256 → scalar from what the JIT reports. GemmTests forces each GEMM
// path in-process; these tests switch the instruction sets off for real in a child process, proving the
// selection follows the runtime switches and every element-wise kernel works on the narrower paths.
public class InstructionSetTests
{
    [Fact]
    public void WithoutAvx512TheAvx2PathIsChosenAndCorrect()
    {
        // .NET 10 reads DOTNET_EnableAVX512; earlier runtimes read DOTNET_EnableAVX512F. Setting both works on either.
        var (exit, output) = RunChild("DOTNET_EnableAVX512", "DOTNET_EnableAVX512F");
        Assert.True(exit == 0, output);
        Assert.Contains(Vector256.IsHardwareAccelerated ? "path=Avx2 v512=False v256=True" : "path=Scalar", output);
    }

    [Fact]
    public void WithoutHardwareIntrinsicsTheScalarPathIsChosenAndCorrect()
    {
        var (exit, output) = RunChild("DOTNET_EnableHWIntrinsic");
        Assert.True(exit == 0, output);
        Assert.Contains("path=Scalar v512=False v256=False", output);
    }

    // A small end-to-end fit, so the optimizer and element-wise kernels are exercised on the child's path too.
    internal static string? TrainingStillLearns()
    {
        var x = Data.Uniform(64 * 3, 1);
        var y = Enumerable.Range(0, 64).Select(r => x[3 * r] - x[3 * r + 1]).ToArray();
        var network = Network.Create(Data.Spec(3, (40, Activation.Relu), (20, Activation.Tanh),
            (1, Activation.Linear)) with
        { Dropout = 0.1f }, 1);
        var result = Trainer.Fit(network, new TrainingSet(x, y, 64, 3), null, new TrainerOptions
        {
            Epochs = 30, BatchSize = 16,
            LearningRate = 0.01f
        });
        return result.History[^1].TrainLoss < 0.5 * result.History[0].TrainLoss ? null : $"loss {result.History[0].TrainLoss} → " +
            $"{result.History[^1].TrainLoss}";
    }

    private static (int Exit, string Output) RunChild(params string[] switchesOff)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(InstructionSetTests).Assembly.Location, "kernel-check"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in switchesOff) start.Environment[name] = "0";
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(TimeSpan.FromSeconds(50)))
        {
            child.Kill();
            return (-1, "timed out");
        }
        return (child.ExitCode, stdout.Result + stderr.Result);
    }
}
