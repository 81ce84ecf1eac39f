using System.Runtime.Intrinsics;
using DefectApi.NeuralNet.Tests.Kernels;

namespace DefectApi.NeuralNet.Tests;

// Entry point for the child process that InstructionSetTests starts with DOTNET_EnableAVX512=0 or
// DOTNET_EnableHWIntrinsic=0: reports which kernel path the engine picked, then checks that path: the GEMM and
// the scalar twins of the element-wise, optimizer and activation-backward kernels.
// The test runner itself never calls Main.
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is not ["kernel-check"]) return 2;
        Console.WriteLine($"path={GemmPacked.BestPath} v512={Vector512.IsHardwareAccelerated} v256={Vector256.IsHardwareAccelerated}");
        var failure = GemmTests.Sweep(bestPathOnly: true, depths: [3]) ?? ElementWiseTests.Sweep() ?? OptimizerKernelsTests.Sweep()
            ?? ActivationBackwardTests.Sweep() ?? InstructionSetTests.TrainingStillLearns();
        Console.WriteLine(failure ?? "ok");
        return failure is null ? 0 : 1;
    }
}
