using System.Globalization;
using System.Text.Json;
using DefectApi.NeuralNet.Networks;
using DefectApi.NeuralNet.Specs;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Inference;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Export;

/// <summary>
/// The whole scorer as one ONNX graph: for every ensemble member its own fitted preprocessing and network, then the
/// output function per member, the average over members (in the target's terms, as EnsembleOutputs does) and the
/// answer. Inputs are named after the model's columns; outputs are <see cref="Probability"/> and <see cref="Label"/>
/// (binary), <see cref="Value"/> (regression), <see cref="Probabilities"/> and <see cref="Label"/> (multiclass).
/// </summary>
internal static class OnnxScorerExport
{
    public const string Probability = "probability", Value = "value", Probabilities = "probabilities", Label = "label";
    private const string Batch = "N";

    public static byte[] Export(Scorer model, string name, int version) =>
        Export(model, name, version, OnnxNeighbourSteps.MaxStoredFloats);

    /// <param name="maxNeighbourFloats">the most stored neighbour values the file may carry (tests lower it)</param>
    internal static byte[] Export(Scorer model, string name, int version, long maxNeighbourFloats)
    {
        var g = new OnnxGraphBuilder();
        var encoders = model.Members.Encoders;
        RequireOneDateOrder(model);
        var inputs = encoders.Select(InputOf).ToArray();
        var inputTypes = inputs.Select(i => i.Type == OnnxType.Double ? "double" : "string").ToArray();
        var memberOutputs = new List<string>();
        // A preprocessing that members share (artifact format 4) is stated once, as the service encodes once.
        var encoded = new Dictionary<FeaturePipeline, string>(ReferenceEqualityComparer.Instance);
        for (int m = 0; m < model.Members.Count; m++)
        {
            var member = model.Members[m];
            if (!encoded.TryGetValue(member.Pipeline, out var features))
            {
                string scope = model.Members.SharedPipeline is null ? $"member{m}/" : "preprocessing/";
                var columns = new string[encoders.Count];
                for (int e = 0; e < encoders.Count; e++)
                {
                    g.Prefix = $"{scope}{encoders[e].Name}/";
                    columns[e] = Encode(g, member.Pipeline.Encoders[e], inputs[e].Name);
                }
                g.Prefix = scope;
                encoded[member.Pipeline] = features = g.Concat(columns);
            }
            g.Prefix = $"member{m}/";
            memberOutputs.Add(OutputFunction(g, model.Spec, Network(g, member.Network, features)));
        }
        g.Prefix = "ensemble/";
        var mean = g.Div(memberOutputs.Count == 1 ? memberOutputs[0] : g.Op("Sum", memberOutputs), g.Scalar((double)memberOutputs.Count));
        if (model.Members.Neighbours is { } neighbours)
        {
            var shared = model.Members.SharedPipeline!;
            mean = OnnxNeighbourSteps.Blend(g, neighbours, encoded[shared], shared.Width, mean, maxNeighbourFloats);
            g.Prefix = "ensemble/";
        }
        var outputs = Answer(g, model, mean);
        RequireDistinctNames(g, inputs, outputs);

        var graph = new OnnxGraph("defectapi_scorer", g.Nodes, g.Constants, inputs, outputs,
            $"The DefectApi model '{name}' version {version}: preprocessing, {model.Members.Count} network(s), averaging" +
            (model.Members.Neighbours is null ? "" : ", the nearest training rows' vote blended in") + " and output function.");
        return OnnxSerializer.Write(new OnnxModel(OnnxGraphBuilder.IrVersion, OnnxGraphBuilder.Opset, "DefectApi",
            typeof(OnnxScorerExport).Assembly.GetName().Version?.ToString() ?? "", version, graph,
            Metadata(model, name, version, inputTypes)));
    }

    private static OnnxValue InputOf(FeatureEncoder encoder) => encoder switch
    {
        NumericEncoder => new OnnxValue(encoder.Name, OnnxType.Double, [Batch, 1L], "a number; NaN when missing"),
        DatetimeEncoder => new OnnxValue(encoder.Name, OnnxType.Double, [Batch, 1L],
            "seconds since 1970-01-01T00:00 of the wall-clock reading (time zones are ignored); NaN when missing"),
        BooleanEncoder =>
        new OnnxValue(encoder.Name, OnnxType.String, [Batch, 1L], "true/false, yes/no, OK/NG, pass/fail, y/n or 1/0; \"\" when missing"),
        _ => new OnnxValue(encoder.Name, OnnxType.String, [Batch, 1L], "the category; \"\" when missing"),
    };

    private static string Encode(OnnxGraphBuilder g, FeatureEncoder encoder, string input) => encoder switch
    {
        NumericEncoder numeric => OnnxNumericSteps.Encode(g, numeric, input),
        CategoricalEncoder categorical => OnnxTextSteps.Categorical(g, categorical, input),
        BooleanEncoder boolean => OnnxTextSteps.Boolean(g, boolean, input),
        DatetimeEncoder => OnnxTextSteps.Datetime(g, input),
        _ => throw new OnnxExportException($"{encoder.Type} encoder '{encoder.Name}'",
        $"The '{encoder.Type}' encoding of '{encoder.Name}' has no ONNX form."),
    };

    /// <summary>Dense layers y = act(x·W + b) as Gemm; W is (inputs, units) row-major, then b, layer after layer in
    /// the network's one parameter array.</summary>
    private static string Network(OnnxGraphBuilder g, Network network, string x)
    {
        var parameters = network.Parameters;
        int inputs = network.Inputs, offset = 0;
        foreach (var layer in network.Spec.Layers)
        {
            var weights = g.Floats(parameters.Slice(offset, inputs * layer.Units).ToArray(), inputs, layer.Units);
            offset += inputs * layer.Units;
            var bias = g.Floats(parameters.Slice(offset, layer.Units).ToArray(), layer.Units);
            offset += layer.Units;
            x = g.Op("Gemm", [x, weights, bias]);
            x = layer.Activation switch
            {
                Activation.Linear => x,
                Activation.Relu => g.Op("Relu", [x]),
                Activation.LeakyRelu => g.Op("LeakyRelu", [x], OnnxAttribute.Of("alpha", LayerSpec.LeakyReluSlope)),
                Activation.Tanh => g.Op("Tanh", [x]),
                Activation.Sigmoid => g.Op("Sigmoid", [x]),
                _ => throw new OnnxExportException("network activation", $"The activation '{layer.Activation}' has no ONNX form."),
            };
            inputs = layer.Units;
        }
        return x;
    }

    /// <summary>EnsembleOutputs.Accumulate: sigmoid (binary) or softmax (multiclass) in float, or the regression
    /// output back in the target's unit; then double, as the service sums in double.</summary>
    private static string OutputFunction(OnnxGraphBuilder g, TargetSpec target, string raw) => target.Task switch
    {
        TaskKind.Binary => g.Cast(g.Op("Sigmoid", [raw]), OnnxType.Double),
        TaskKind.Regression => g.Add(g.Mul(g.Cast(raw, OnnxType.Double), g.Scalar(target.Std)), g.Scalar(target.Mean)),
        _ => g.Cast(g.Op("Softmax", [raw], OnnxAttribute.Of("axis", 1L)), OnnxType.Double),
    };

    private static OnnxValue[] Answer(OnnxGraphBuilder g, Scorer model, string mean)
    {
        var classes = model.Classes ?? [];
        switch (model.Task)
        {
            case TaskKind.Binary:
                g.OpInto(Probability, "Identity", [mean]);
                // The service's decision: defect when p ≥ threshold.
                g.OpInto(Label, "Where",
                    [g.GreaterOrEqual(mean, g.Scalar(model.Threshold!.Value)), g.Strings([classes[1]]), g.Strings([classes[0]])]);
                return
                [
                    new OnnxValue(Probability, OnnxType.Double, [Batch, 1L], $"probability of '{classes[1]}'"),
                    new OnnxValue(Label, OnnxType.String, [Batch, 1L], "the class decided at the model's threshold"),
                ];
            case TaskKind.Regression:
                g.OpInto(Value, "Identity", [mean]);
                return [new OnnxValue(Value, OnnxType.Double, [Batch, 1L], $"predicted '{model.Target}'")];
            default:
                g.OpInto(Probabilities, "Identity", [mean]);
                // ArgMax takes the first of equal maxima, as the service does.
                var best = g.Op("ArgMax", [mean], OnnxAttribute.Of("axis", 1L), OnnxAttribute.Of("keepdims", 1L));
                g.OpInto(Label, "Gather", [g.Strings(classes.ToArray(), classes.Count), best], OnnxAttribute.Of("axis", 0L));
                return
                [
                    new OnnxValue(Probabilities, OnnxType.Double, [Batch, (long)classes.Count],
                        "one probability per class, in the order of metadata 'classes'"),
                    new OnnxValue(Label, OnnxType.String, [Batch, 1L], "the most probable class"),
                ];
        }
    }

    /// <summary>A datetime input is one number, read from the text by the caller; members that read "03/04/2024" as
    /// different days (each decided the date order on its own training part) cannot share it.</summary>
    private static void RequireOneDateOrder(Scorer model)
    {
        var encoders = model.Members.Encoders;
        for (int e = 0; e < encoders.Count; e++)
        {
            if (encoders[e] is not DatetimeEncoder first) continue;
            if (model.Members.Any(m => m.Pipeline.Encoders[e] is DatetimeEncoder other && other.Order != first.Order))
                throw new OnnxExportException($"datetime encoder '{first.Name}'",
                    $"The ensemble's networks read the dates of '{first.Name}' in different day/month orders, which one ONNX " +
                    "input cannot carry.");
        }
    }

    /// <summary>Graph values share one namespace: a column named like an output or an internal value would be
    /// ambiguous, so such a model is refused rather than exported wrong.</summary>
    private static void RequireDistinctNames(OnnxGraphBuilder g, IReadOnlyList<OnnxValue> inputs, IReadOnlyList<OnnxValue> outputs)
    {
        var taken = g.Constants.Select(c => c.Name).Concat(g.Nodes.SelectMany(n => n.Outputs)).ToHashSet(StringComparer.Ordinal);
        foreach (var input in inputs)
            if (taken.Contains(input.Name))
                throw new OnnxExportException("input names",
                    $"The column '{input.Name}' has the name of an ONNX output or internal value " +
                    $"({string.Join(", ", outputs.Select(o => o.Name))} are the outputs); " +
                    "rename the column and retrain to export this model.");
    }

    private static List<KeyValuePair<string, string>> Metadata(Scorer model, string name, int version, string[] inputTypes)
    {
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("name", name),
            new("version", version.ToString(CultureInfo.InvariantCulture)),
            new("target", model.Target),
            new("task", model.Task.WireName()),
            new("members", model.Members.Count.ToString(CultureInfo.InvariantCulture)),
            new("inputs",
            JsonSerializer.Serialize(model.Inputs.Select((input, i) =>
            new { name = input.Name, type = input.Type, onnx = inputTypes[i] }))),
        };
        if (model.Members.Neighbours is { } neighbours)
            metadata.Add(new("neighbours",
                JsonSerializer.Serialize(new { k = neighbours.K, weight = neighbours.Weight, rows = neighbours.Index.Count })));
        if (model.Threshold is { } threshold) metadata.Add(new("threshold", threshold.ToString("R", CultureInfo.InvariantCulture)));
        if (model.Classes is { } classes) metadata.Add(new("classes", JsonSerializer.Serialize(classes)));
        if (model.PositiveClass is { } positive) metadata.Add(new("positive_class", positive));
        return metadata;
    }
}
