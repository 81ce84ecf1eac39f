namespace DefectApi.NeuralNet.Tests.Support;

// An independent double-precision twin of the engine's forward pass and losses, written from the
// formulas rather than from the engine's code, so finite differences on it are a fair referee.
internal static class ReferenceMlp
{
    public static double[] Forward(NetworkSpec spec, double[] p, double[] x, int rows, float[][]? masks = null)
    {
        double[] current = x;
        int inputs = spec.Inputs, offset = 0;
        for (int l = 0; l < spec.Layers.Count; l++)
        {
            int units = spec.Layers[l].Units;
            var next = new double[rows * units];
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < units; j++)
                {
                    double z = p[offset + inputs * units + j];
                    for (int i = 0; i < inputs; i++) z += current[r * inputs + i] * p[offset + i * units + j];
                    double y = Activate(z, spec.Layers[l].Activation);
                    if (masks is not null && masks[l].Length > 0) y *= masks[l][r * units + j];
                    next[r * units + j] = y;
                }
            }
            offset += inputs * units + units;
            inputs = units;
            current = next;
        }
        return current;
    }

    public static double Activate(double z, Activation a) => a switch
    {
        Activation.Relu => Math.Max(z, 0),
        Activation.LeakyRelu => z > 0 ? z : 0.01 * z,
        Activation.Tanh => Math.Tanh(z),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        _ => z,
    };

    // Weighted mean over rows of each row's loss (itself a mean over outputs for MSE and BCE).
    public static double Loss(LossKind kind, double[] z, float[] t, float[]? w, int rows, int outputs)
    {
        double sum = 0, weights = 0;
        for (int r = 0; r < rows; r++)
        {
            double l = 0;
            if (kind == LossKind.SoftmaxCrossEntropy)
            {
                double s = 0;
                for (int j = 0; j < outputs; j++) s += Math.Exp(z[r * outputs + j]);
                l = Math.Log(s) - z[r * outputs + (int)t[r]];
            }
            else
            {
                for (int j = 0; j < outputs; j++)
                {
                    double zj = z[r * outputs + j], tj = t[r * outputs + j];
                    if (kind == LossKind.MeanSquaredError) l += (zj - tj) * (zj - tj);
                    else l += -(tj * Math.Log(1 / (1 + Math.Exp(-zj))) + (1 - tj) * Math.Log(1 - 1 / (1 + Math.Exp(-zj))));
                }
                l /= outputs;
            }
            double wr = w?[r] ?? 1;
            sum += wr * l;
            weights += wr;
        }
        return sum / weights;
    }

    // Central differences on every parameter: (L(p + h) - L(p - h)) / 2h.
    public static double[] NumericGradient(Func<double[], double> loss, float[] parameters, double h = 1e-6)
    {
        var p = parameters.Select(v => (double)v).ToArray();
        var g = new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            double keep = p[i];
            p[i] = keep + h;
            double up = loss(p);
            p[i] = keep - h;
            double down = loss(p);
            p[i] = keep;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    // ‖a − b‖ / (‖a‖ + ‖b‖), the usual relative error for gradient checks (cs231n).
    public static double RelativeError(ReadOnlySpan<float> analytic, double[] numeric)
    {
        double diff = 0, na = 0, nb = 0;
        for (int i = 0; i < numeric.Length; i++)
        {
            diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
            na += (double)analytic[i] * analytic[i];
            nb += numeric[i] * numeric[i];
        }
        double denominator = Math.Sqrt(na) + Math.Sqrt(nb);
        return denominator == 0 ? 0 : Math.Sqrt(diff) / denominator;
    }
}
