namespace DefectApi.Tabular.Export;

/// <summary>
/// Collects the nodes and constants of one graph. Every value gets a fresh name built from a readable prefix (the
/// member and column it belongs to), so a graph viewer shows where each step comes from. Operators are those of
/// the ai.onnx domain at <see cref="Opset"/> (onnx.ai/onnx/operators).
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>Opset 21 (ONNX 1.16) has everything used here: RegexFullMatch (20) for trimmed string matching,
    /// reductions taking axes as an input (18). Its models carry IR version 10.</summary>
    public const long Opset = 21, IrVersion = 10;

    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxTensor> _constants = [];
    private readonly Dictionary<string, string> _sharedConstants = new(StringComparer.Ordinal);
    private int _counter;

    public string Prefix { get; set; } = "";

    public IReadOnlyList<OnnxNode> Nodes => _nodes;
    public IReadOnlyList<OnnxTensor> Constants => _constants;

    private string Fresh(string hint) => $"{Prefix}{hint}_{_counter++}";

    /// <summary>Applies an operator and names its single output.</summary>
    public string Op(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes)
    {
        string output = Fresh(opType);
        _nodes.Add(new OnnxNode(opType, output, inputs, [output], attributes));
        return output;
    }

    /// <summary>TopK along the last axis: the <paramref name="k"/> smallest values, ascending, and their int64 indices;
    /// equal values keep the lower index first (onnx.ai/onnx/operators/onnx__TopK).</summary>
    public (string Values, string Indices) SmallestK(string x, long k)
    {
        string values = Fresh("TopK_values"), indices = Fresh("TopK_indices");
        _nodes.Add(new OnnxNode("TopK", values, [x, Int64s(k)], [values, indices],
            [OnnxAttribute.Of("largest", 0L), OnnxAttribute.Of("sorted", 1L)]));
        return (values, indices);
    }

    /// <summary>An operator writing straight into a named graph output.</summary>
    public void OpInto(string output, string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) =>
        _nodes.Add(new OnnxNode(opType, output, inputs, [output], attributes));

    public string Doubles(double[] values, params long[] dims) => Add(new OnnxTensor(Fresh("c"), OnnxType.Double, dims, Doubles: values));
    public string Floats(float[] values, params long[] dims) => Add(new OnnxTensor(Fresh("c"), OnnxType.Float, dims, Floats: values));
    public string Strings(string[] values, params long[] dims) => Add(new OnnxTensor(Fresh("c"), OnnxType.String, dims, Strings: values));

    /// <summary>A scalar constant, one initializer however often it is asked for.</summary>
    public string Scalar(double value) => Shared($"d:{BitConverter.DoubleToInt64Bits(value)}", () =>
        new OnnxTensor($"const_double_{_constants.Count}", OnnxType.Double, [], Doubles: [value]));

    public string Scalar(float value) => Shared($"f:{BitConverter.SingleToInt32Bits(value)}", () =>
        new OnnxTensor($"const_float_{_constants.Count}", OnnxType.Float, [], Floats: [value]));

    public string Int64s(params long[] values) => Shared($"i:{string.Join(',', values)}", () =>
        new OnnxTensor($"const_int64_{_constants.Count}", OnnxType.Int64, [values.Length], Int64s: values));

    private string Shared(string key, Func<OnnxTensor> create)
    {
        if (!_sharedConstants.TryGetValue(key, out var name)) _sharedConstants[key] = name = Add(create());
        return name;
    }

    private string Add(OnnxTensor tensor)
    {
        _constants.Add(tensor);
        return tensor.Name;
    }

    // The operators the export uses, by their ONNX names.
    public string Add(string a, string b) => Op("Add", [a, b]);
    public string Sub(string a, string b) => Op("Sub", [a, b]);
    public string Mul(string a, string b) => Op("Mul", [a, b]);
    public string Div(string a, string b) => Op("Div", [a, b]);
    public string Max(string a, string b) => Op("Max", [a, b]);
    public string Min(string a, string b) => Op("Min", [a, b]);
    public string Where(string condition, string whenTrue, string whenFalse) => Op("Where", [condition, whenTrue, whenFalse]);
    public string IsNaN(string x) => Op("IsNaN", [x]);
    public string Equal(string a, string b) => Op("Equal", [a, b]);
    public string Less(string a, string b) => Op("Less", [a, b]);
    public string GreaterOrEqual(string a, string b) => Op("GreaterOrEqual", [a, b]);
    public string Cast(string x, OnnxType to) => Op("Cast", [x], OnnxAttribute.Of("to", (long)to));
    public string Concat(IReadOnlyList<string> parts) => parts.Count == 1 ? parts[0] : Op("Concat", parts, OnnxAttribute.Of("axis", 1L));
    public string Gather(string data, string indices) => Op("Gather", [data, indices], OnnxAttribute.Of("axis", 0L));
    public string Unsqueeze(string x, long axis) => Op("Unsqueeze", [x, Int64s(axis)]);
    public string ReduceSum(string x, long axis, bool keepDims) =>
        Op("ReduceSum", [x, Int64s(axis)], OnnxAttribute.Of("keepdims", keepDims ? 1L : 0L));
    public string Matches(string text, string pattern) => Op("RegexFullMatch", [text], OnnxAttribute.Of("pattern", pattern));

    /// <summary>Any true along axis 1, as a float 0/1 column [N, 1].</summary>
    public string AnyAlongRows(string booleans) =>
        Op("ReduceMax", [Cast(booleans, OnnxType.Float), Int64s(1)], OnnxAttribute.Of("keepdims", 1L));

    /// <summary>x, or <paramref name="fallback"/> where x is ±∞ or NaN (the service's "if not finite, retry" steps).</summary>
    public string FiniteOr(string x, Func<string> fallback)
    {
        var notFinite = Op("Or", [Op("IsInf", [x]), IsNaN(x)]);
        return Where(notFinite, fallback(), x);
    }
}
