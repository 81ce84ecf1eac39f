using DefectApi.NeuralNet.Optimizers;
using DefectApi.NeuralNet.Randomness;

namespace DefectApi.NeuralNet.Tests.Training;

public class PackedTrainerTests
{
    // The packed gradient against central differences of the mean of k independent double networks, each member folded
    // from the packed parameters by the formula W' = diag(r)·W·diag(s), b' = b_m (written here, not taken from Unpack).
    [Theory]
    [InlineData(LossKind.MeanSquaredError, 1, 5, 3, false, 0f)]
    [InlineData(LossKind.MeanSquaredError, 3, 4, 2, true, 0f)]
    [InlineData(LossKind.SoftmaxCrossEntropy, 4, 6, 3, false, 0f)]
    [InlineData(LossKind.BinaryCrossEntropy, 2, 5, 4, true, 0f)]
    [InlineData(LossKind.SoftmaxCrossEntropy, 3, 7, 2, true, 0.3f)]
    public void GradientsMatchFiniteDifferencesOfTheMembersMeanLoss(LossKind loss, int members, int rows, int inputs, bool weighted,
        float dropout)
    {
        int outputs = loss == LossKind.SoftmaxCrossEntropy ? 3 : 1;
        var spec = Data.Spec(inputs, (6, Activation.Tanh), (5, Activation.Tanh), (outputs, Activation.Linear)) with { Dropout = dropout };
        var packed = Perturbed(spec, members, 21);
        int perRow = LossFunctions.TargetsPerRow(loss, outputs);
        var x = Data.Uniform(rows * inputs, 22);
        var t = GradientCheck.Targets(loss, rows, outputs, 23);
        var w = weighted ? Data.Uniform(rows, 24).Select(v => v + 1.5f).ToArray() : null;

        using var ws = new PackedWorkspace(packed, rows, perRow, threads: 1);
        x.CopyTo(ws.X, 0);
        t.CopyTo(ws.Targets, 0);
        w?.CopyTo(ws.Weights, 0);
        var rng = new Xoshiro256(5);
        PackedBackprop.Forward(packed, ws, rows, training: true, ref rng);
        var (sum, weight) = PackedBackprop.Backward(packed, ws, rows, loss, weighted, training: true);

        // Member m's dropout masks: its block of each hidden layer's (k·B, units) mask; none on the output layer.
        float[][] Masks(int m) =>
            [.. ws.Masks.Select((mask, l) =>
            mask.Length == 0 ? mask : mask.AsSpan(m * rows * spec.Layers[l].Units, rows * spec.Layers[l].Units).ToArray()), []];
        var xd = x.Select(v => (double)v).ToArray();
        double MeanLoss(double[] q) => Enumerable.Range(0, members)
            .Average(m =>
                ReferenceMlp.Loss(loss, ReferenceMlp.Forward(spec, Fold(packed, q, m), xd, rows, dropout > 0 ? Masks(m) : null), t,
                w, rows, outputs));

        var numeric = ReferenceMlp.NumericGradient(MeanLoss, packed.Parameters.ToArray());
        Assert.InRange(ReferenceMlp.RelativeError(ws.Gradients, numeric), 0, 1e-4);
        Assert.InRange(Math.Abs(sum / weight - MeanLoss(packed.Parameters.ToArray().Select(v => (double)v).ToArray())), 0, 1e-5);
    }

    [Fact]
    public void UnpackedMembersPredictWhatThePackedForwardDoes()
    {
        const int members = 4, rows = 37, inputs = 9;
        var spec = Data.Spec(inputs, (16, Activation.Relu), (8, Activation.Relu), (3, Activation.Linear)) with { Dropout = 0.2f };
        var packed = Perturbed(spec, members, 31);
        var x = Data.Uniform(rows * inputs, 32);
        using var ws = new PackedWorkspace(packed, rows, 3, threads: 1);
        x.CopyTo(ws.X, 0);
        var none = default(Xoshiro256);
        PackedBackprop.Forward(packed, ws, rows, training: false, ref none);

        var unpacked = packed.Unpack();
        Assert.Equal(members, unpacked.Length);
        var outputs = new float[rows * 3];
        for (int m = 0; m < members; m++)
        {
            Assert.Equal(spec.Layers, unpacked[m].Spec.Layers);
            unpacked[m].Predict(x, rows, outputs);
            // Float rounding only.
            for (int i = 0; i < outputs.Length; i++) Assert.InRange(Math.Abs(outputs[i] - ws.Z[m * rows * 3 + i]), 0, 1e-5);
        }
        // The fold is the only thing that differs between members' hidden weights, so they must differ.
        Assert.NotEqual(unpacked[0].Parameters.ToArray(), unpacked[1].Parameters.ToArray());
    }

    [Fact]
    public void FirstAdapterStartsAsRandomSignsAndTheOthersAtOne()
    {
        var packed = PackedNetwork.Create(Data.Spec(20, (8, Activation.Relu), (4, Activation.Relu), (1, Activation.Linear)), 16, seed: 3);
        var p = packed.Parameters;
        var first = packed.Hidden[0].R(p).ToArray();
        Assert.All(first, v => Assert.True(v is 1f or -1f));
        Assert.InRange(first.Count(v => v < 0), 100, 220);   // 320 fair signs: about 160
        Assert.All(packed.Hidden[0].S(p).ToArray(), v => Assert.Equal(1f, v));
        Assert.All(packed.Hidden[1].R(p).ToArray(), v => Assert.Equal(1f, v));
        Assert.All(packed.Hidden[1].B(p).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TwoCirclesAreLearnedAndTheAveragedMembersSeparateThem()
    {
        const int rows = 600;
        var (x, y) = Circles(rows, 41);
        var (vx, vy) = Circles(200, 42);
        var packed = PackedNetwork.Create(Data.Spec(2, (32, Activation.Relu), (16, Activation.Relu), (1, Activation.Linear)), 8, seed: 1);
        var result = PackedTrainer.Fit(packed, new TrainingSet(x, y, rows, 2), new TrainingSet(vx, vy, 200, 2), new TrainerOptions
        {
            Loss = LossKind.BinaryCrossEntropy, Optimizer = OptimizerKind.AdamW, LearningRate = 0.01f, WeightDecay = 3e-4f,
            GradientClipNorm = 1f, BatchSize = 64, Epochs = 300, Patience = 40, Threads = 1,
        });
        Assert.True(result.BestEpoch > 0);
        var members = result.Network.Unpack();
        var logits = new float[200];
        var mean = new double[200];
        foreach (var member in members)
        {
            member.Predict(vx, 200, logits);
            for (int i = 0; i < 200; i++) mean[i] += OutputFunctions.Sigmoid(logits[i]) / members.Length;
        }
        int correct = Enumerable.Range(0, 200).Count(i => (mean[i] > 0.5) == (vy[i] == 1f));
        Assert.InRange(correct, 190, 200);
    }

    [Fact]
    public void TheTrainedModelIsTheSameOnOneThreadOrTwo()
    {
        var (x, y) = Circles(300, 51);
        byte[] Train(int threads)
        {
            var spec = Data.Spec(2, (64, Activation.Relu), (32, Activation.Relu), (1, Activation.Linear)) with { Dropout = 0.1f };
            var packed = PackedNetwork.Create(spec, 8, seed: 2);
            PackedTrainer.Fit(packed, new TrainingSet(x, y, 300, 2), null, new TrainerOptions
            {
                Loss = LossKind.BinaryCrossEntropy, Optimizer = OptimizerKind.AdamW, LearningRate = 2e-3f, BatchSize = 128,
                Epochs = 5, Threads = threads,
            });
            return Data.Bytes(packed.Parameters);
        }
        Assert.Equal(Train(1), Train(2));
    }

    // Two rings around the origin, radius 0.5 (class 0) and 1 (class 1), with a little noise: no linear model separates them.
    private static (float[] X, float[] Y) Circles(int rows, int seed)
    {
        var u = Data.Uniform(rows * 2, seed);
        var x = new float[rows * 2];
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            y[r] = r % 2;
            double angle = Math.PI * u[2 * r], radius = (r % 2 == 0 ? 0.5 : 1.0) + 0.08 * u[2 * r + 1];
            x[2 * r] = (float)(radius * Math.Cos(angle));
            x[2 * r + 1] = (float)(radius * Math.Sin(angle));
        }
        return (x, y);
    }

    // Every parameter nudged, so that adapters are off 1 and biases off 0 and each term of every gradient matters.
    private static PackedNetwork Perturbed(NetworkSpec spec, int members, int seed)
    {
        var packed = PackedNetwork.Create(spec, members, seed);
        var p = packed.Parameters;
        var noise = Data.Uniform(p.Length, seed + 1);
        for (int i = 0; i < p.Length; i++) p[i] += 0.3f * noise[i];
        return packed;
    }

    // Member m of the packed parameters q as an ordinary network's parameters (W then b per layer), in double.
    private static double[] Fold(PackedNetwork packed, double[] q, int m)
    {
        var folded = new List<double>();
        foreach (var layer in packed.Hidden)
        {
            int n = layer.Inputs, o = layer.Outputs;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < o; j++)
                    folded.Add(q[layer.ROffset + m * n + i] * q[layer.WeightOffset + i * o + j] * q[layer.SOffset + m * o + j]);
            for (int j = 0; j < o; j++) folded.Add(q[layer.BOffset + m * o + j]);
        }
        int head = packed.HeadOffset + m * packed.HeadSize;
        folded.AddRange(q.AsSpan(head, packed.HeadSize).ToArray());
        return [.. folded];
    }
}
