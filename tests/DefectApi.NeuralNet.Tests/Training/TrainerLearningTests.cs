using DefectApi.NeuralNet.Optimizers;

namespace DefectApi.NeuralNet.Tests.Training;

public class TrainerLearningTests
{
    [Fact]
    public void XorIsLearnedPerfectly()
    {
        float[] x = [0, 0, 0, 1, 1, 0, 1, 1];
        float[] y = [0, 1, 1, 0];
        var network = Network.Create(Data.Spec(2, (8, Activation.Tanh), (1, Activation.Linear)), seed: 1);
        Trainer.Fit(network, new TrainingSet(x, y, 4, 2), null,
            new TrainerOptions { Loss = LossKind.BinaryCrossEntropy, LearningRate = 0.05f, BatchSize = 4, Epochs = 400 });
        var logits = new float[4];
        network.Predict(x, 4, logits);
        for (int i = 0; i < 4; i++) Assert.Equal(y[i], OutputFunctions.Sigmoid(logits[i]) > 0.5f ? 1f : 0f);
    }

    [Fact]
    public void NoisyLinearRegressionRecoversLeastSquaresWeightsWithinOnePercent()
    {
        const int rows = 400, inputs = 5;
        var x = Data.Uniform(rows * inputs, 11);
        var noise = Data.Uniform(rows, 12);
        float[] trueW = [2f, -1.5f, 0.7f, 3f, -2.2f];
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            float s = 0.5f + 0.3f * noise[r];
            for (int i = 0; i < inputs; i++) s += trueW[i] * x[r * inputs + i];
            y[r] = s;
        }
        var expected = LeastSquares(x, y, rows, inputs); // weights then intercept

        var network = Network.Create(Data.Spec(inputs, (1, Activation.Linear)), seed: 3);
        Trainer.Fit(network, new TrainingSet(x, y, rows, inputs), null,
            new TrainerOptions
            {
                Optimizer = OptimizerKind.Momentum, LearningRate = 0.2f, BatchSize = rows, Epochs = 600,
                Loss = LossKind.MeanSquaredError
            });
        var p = network.Parameters; // W (5, 1) then b (1)
        for (int i = 0; i <= inputs; i++)
            Assert.InRange(p[i], expected[i] - 0.01 * Math.Abs(expected[i]), expected[i] + 0.01 * Math.Abs(expected[i]));
    }

    // Normal equations (XᵀX) β = Xᵀy with an intercept column, solved by Gaussian elimination in double.
    private static double[] LeastSquares(float[] x, float[] y, int rows, int inputs)
    {
        int n = inputs + 1;
        var a = new double[n, n + 1];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < n; i++)
            {
                double xi = i < inputs ? x[r * inputs + i] : 1;
                for (int j = 0; j < n; j++) a[i, j] += xi * (j < inputs ? x[r * inputs + j] : 1);
                a[i, n] += xi * y[r];
            }
        }
        for (int c = 0; c < n; c++)
        {
            for (int r = c + 1; r < n; r++)
            {
                double f = a[r, c] / a[c, c];
                for (int k = c; k <= n; k++) a[r, k] -= f * a[c, k];
            }
        }
        var beta = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = a[r, n];
            for (int k = r + 1; k < n; k++) s -= a[r, k] * beta[k];
            beta[r] = s / a[r, r];
        }
        return beta;
    }

    [Fact]
    public void TwoSpiralsAreSeparatedWithAtLeast95PercentAccuracy()
    {
        const int perClass = 200;
        int rows = 2 * perClass;
        var x = new float[rows * 2];
        var y = new float[rows];
        for (int i = 0; i < perClass; i++)
        {
            // Lang & Witbrock's two spirals: the second is the first rotated by π.
            double t = 0.25 + 3.0 * Math.PI * i / perClass;
            double r = 4.0 * t / (3.0 * Math.PI); // radius up to 4, so inputs are not all squeezed near 0
            for (int c = 0; c < 2; c++)
            {
                int row = 2 * i + c;
                double sign = c == 0 ? 1 : -1;
                x[2 * row] = (float)(sign * r * Math.Cos(t));
                x[2 * row + 1] = (float)(sign * r * Math.Sin(t));
                y[row] = c;
            }
        }
        var network = Network.Create(Data.Spec(2, (64, Activation.Relu), (64, Activation.Relu), (1, Activation.Linear)), seed: 5);
        Trainer.Fit(network, new TrainingSet(x, y, rows, 2), null,
            new TrainerOptions { Loss = LossKind.BinaryCrossEntropy, LearningRate = 0.005f, BatchSize = 16, Epochs = 300 });
        var logits = new float[rows];
        network.Predict(x, rows, logits);
        int correct = 0;
        for (int i = 0; i < rows; i++) correct += (logits[i] > 0 ? 1f : 0f) == y[i] ? 1 : 0;
        Assert.True(correct >= 0.95 * rows, $"accuracy {correct}/{rows}");
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Momentum)]
    [InlineData(OptimizerKind.Nesterov)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void EveryOptimizerReducesTheTrainingLoss(OptimizerKind optimizer)
    {
        var x = Data.Uniform(200 * 3, 21);
        var y = Enumerable.Range(0, 200).Select(r => (float)(x[3 * r] * x[3 * r + 1] + x[3 * r + 2])).ToArray();
        var network = Network.Create(Data.Spec(3, (16, Activation.Relu), (1, Activation.Linear)), seed: 2);
        var result = Trainer.Fit(network, new TrainingSet(x, y, 200, 3), null, new TrainerOptions
        {
            Optimizer = optimizer, LearningRate = optimizer is OptimizerKind.Adam or OptimizerKind.AdamW ? 0.01f : 0.05f,
            WeightDecay = 1e-4f, GradientClipNorm = 5f, Epochs = 30, Schedule = LearningRateSchedule.Cosine,
        });
        Assert.True(result.History[^1].TrainLoss < 0.5 * result.History[0].TrainLoss,
            $"{result.History[0].TrainLoss} → {result.History[^1].TrainLoss}");
    }
}
