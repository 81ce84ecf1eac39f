namespace DefectApi.Tabular.Export;

/// <summary>TensorProto.DataType values of onnx.proto3 used by the export.</summary>
internal enum OnnxType { Float = 1, Int64 = 7, String = 8, Double = 11 }

/// <summary>A constant tensor (TensorProto): exactly one of the value arrays is set, matching Type.</summary>
internal sealed record OnnxTensor(string Name, OnnxType Type, long[] Dims, float[]? Floats = null, double[]? Doubles = null,
    long[]? Int64s = null, string[]? Strings = null);

/// <summary>A node attribute (AttributeProto) holding an int, a float, a string or a tensor.</summary>
internal sealed record OnnxAttribute(string Name, long? Int = null, float? Float = null, string? Text = null, OnnxTensor? Tensor = null)
{
    public static OnnxAttribute Of(string name, long value) => new(name, Int: value);
    public static OnnxAttribute Of(string name, float value) => new(name, Float: value);
    public static OnnxAttribute Of(string name, string value) => new(name, Text: value);
}

/// <summary>One operator application (NodeProto) of the default ai.onnx domain.</summary>
internal sealed record OnnxNode(string OpType, string Name, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyList<OnnxAttribute> Attributes);

/// <summary>A graph input or output (ValueInfoProto): a tensor of Type whose dimensions are numbers or, for a
/// dimension the caller chooses (the batch), a name.</summary>
internal sealed record OnnxValue(string Name, OnnxType Type, IReadOnlyList<object> Dims, string? Doc = null);

internal sealed record OnnxGraph(string Name, IReadOnlyList<OnnxNode> Nodes, IReadOnlyList<OnnxTensor> Initializers,
    IReadOnlyList<OnnxValue> Inputs, IReadOnlyList<OnnxValue> Outputs, string Doc);

/// <summary>A whole model (ModelProto) importing one opset of the default domain.</summary>
internal sealed record OnnxModel(long IrVersion, long Opset, string Producer, string ProducerVersion, long ModelVersion,
    OnnxGraph Graph, IReadOnlyList<KeyValuePair<string, string>> Metadata);

/// <summary>Writes the messages with the field numbers of onnx.proto3 (github.com/onnx/onnx, onnx/onnx.proto3).</summary>
internal static class OnnxSerializer
{
    public static byte[] Write(OnnxModel model)
    {
        var writer = new ProtobufWriter();
        // ModelProto: ir_version 1, producer_name 2, producer_version 3, model_version 5, graph 7, opset_import 8,
        // metadata_props 14.
        writer.WriteInt64(1, model.IrVersion);
        writer.WriteString(2, model.Producer);
        writer.WriteString(3, model.ProducerVersion);
        writer.WriteInt64(5, model.ModelVersion);
        writer.WriteMessage(7, g => WriteGraph(g, model.Graph));
        // OperatorSetIdProto: domain 1 (empty = ai.onnx), version 2.
        writer.WriteMessage(8, o =>
        {
            o.WriteString(1, "");
            o.WriteInt64(2, model.Opset);
        });
        foreach (var (key, value) in model.Metadata)
            writer.WriteMessage(14, e =>   // StringStringEntryProto: key 1, value 2
            {
                e.WriteString(1, key);
                e.WriteString(2, value);
            });
        return writer.ToArray();
    }

    /// <summary>GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11, output 12.</summary>
    private static void WriteGraph(ProtobufWriter writer, OnnxGraph graph)
    {
        foreach (var node in graph.Nodes) writer.WriteMessage(1, n => WriteNode(n, node));
        writer.WriteString(2, graph.Name);
        foreach (var tensor in graph.Initializers) writer.WriteMessage(5, t => WriteTensor(t, tensor));
        writer.WriteString(10, graph.Doc);
        foreach (var input in graph.Inputs) writer.WriteMessage(11, v => WriteValue(v, input));
        foreach (var output in graph.Outputs) writer.WriteMessage(12, v => WriteValue(v, output));
    }

    /// <summary>NodeProto: input 1, output 2, name 3, op_type 4, attribute 5.</summary>
    private static void WriteNode(ProtobufWriter writer, OnnxNode node)
    {
        foreach (var input in node.Inputs) writer.WriteString(1, input);
        foreach (var output in node.Outputs) writer.WriteString(2, output);
        writer.WriteString(3, node.Name);
        writer.WriteString(4, node.OpType);
        foreach (var attribute in node.Attributes) writer.WriteMessage(5, a => WriteAttribute(a, attribute));
    }

    /// <summary>AttributeProto: name 1, f 2, i 3, s 4, t 5, type 20 (AttributeType FLOAT 1, INT 2, STRING 3, TENSOR 4).</summary>
    private static void WriteAttribute(ProtobufWriter writer, OnnxAttribute attribute)
    {
        writer.WriteString(1, attribute.Name);
        if (attribute.Float is { } f)
        {
            writer.WriteFloat(2, f);
            writer.WriteInt64(20, 1);
        }
        else if (attribute.Int is { } i)
        {
            writer.WriteInt64(3, i);
            writer.WriteInt64(20, 2);
        }
        else if (attribute.Text is { } s)
        {
            writer.WriteString(4, s);
            writer.WriteInt64(20, 3);
        }
        else if (attribute.Tensor is { } t)
        {
            writer.WriteMessage(5, m => WriteTensor(m, t));
            writer.WriteInt64(20, 4);
        }
        else throw new InvalidOperationException($"Attribute '{attribute.Name}' has no value.");
    }

    /// <summary>TensorProto: dims 1, data_type 2, float_data 4, string_data 6, int64_data 7, name 8, double_data 10.</summary>
    private static void WriteTensor(ProtobufWriter writer, OnnxTensor tensor)
    {
        writer.WritePackedInt64s(1, tensor.Dims);
        writer.WriteInt64(2, (int)tensor.Type);
        if (tensor.Floats is { } floats) writer.WritePackedFloats(4, floats);
        if (tensor.Strings is { } strings) foreach (var s in strings) writer.WriteString(6, s);
        if (tensor.Int64s is { } longs) writer.WritePackedInt64s(7, longs);
        writer.WriteString(8, tensor.Name);
        if (tensor.Doubles is { } doubles) writer.WritePackedDoubles(10, doubles);
    }

    /// <summary>ValueInfoProto: name 1, type 2, doc_string 3; TypeProto: tensor_type 1; TypeProto.Tensor: elem_type 1,
    /// shape 2; TensorShapeProto: dim 1; Dimension: dim_value 1 or dim_param 2.</summary>
    private static void WriteValue(ProtobufWriter writer, OnnxValue value)
    {
        writer.WriteString(1, value.Name);
        writer.WriteMessage(2, type => type.WriteMessage(1, tensor =>
        {
            tensor.WriteInt64(1, (int)value.Type);
            tensor.WriteMessage(2, shape =>
            {
                foreach (var dim in value.Dims)
                    shape.WriteMessage(1, d =>
                    {
                        if (dim is string name) d.WriteString(2, name);
                        else d.WriteInt64(1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture));
                    });
            });
        }));
        if (value.Doc is not null) writer.WriteString(3, value.Doc);
    }
}
