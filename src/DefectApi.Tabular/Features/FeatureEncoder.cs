using DefectApi.Tabular.Frames;

namespace DefectApi.Tabular.Features;

/// <summary>Turns one input column's cell into network inputs, as fitted on the training split. Check tells what is
/// wrong with a value before anything is encoded; Encode may add warnings (unseen category, far outside the range).</summary>
internal abstract class FeatureEncoder(string name)
{
    public string Name { get; } = name;
    public abstract string Type { get; }
    public abstract int Width { get; }
    public virtual IReadOnlyList<string>? Categories => null;

    /// <summary>null when the value can be encoded, otherwise what is wrong with it.</summary>
    public abstract string? Check(CellValue value);

    public abstract void Encode(CellValue value, Span<float> output, ICollection<string>? warnings);

    public abstract void Write(BinaryWriter writer);

    public static FeatureEncoder Read(BinaryReader reader)
    {
        string type = reader.ReadString(), name = reader.ReadString();
        return type switch
        {
            NumericEncoder.TypeName or NumericEncoder.BinnedFormat or NumericEncoder.RobustFormat =>
                NumericEncoder.ReadBody(name, reader, type),
            CategoricalEncoder.TypeName => CategoricalEncoder.ReadBody(name, reader),
            BooleanEncoder.TypeName => BooleanEncoder.ReadBody(name, reader),
            DatetimeEncoder.TypeName => DatetimeEncoder.ReadBody(name, reader),
            _ => throw new InvalidDataException($"Unknown feature encoder '{type}'."),
        };
    }

    protected void WriteHeader(BinaryWriter writer)
    {
        writer.Write(Type);
        writer.Write(Name);
    }
}
