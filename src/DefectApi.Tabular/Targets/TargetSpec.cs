using DefectApi.Tabular.Features;

namespace DefectApi.Tabular.Targets;

/// <summary>What the network predicts: the task, the class labels (binary: negative then positive) or the
/// regression target's scale.</summary>
internal sealed record TargetSpec(TaskKind Task, string[]? Classes, double Mean, double Std)
{
    public const int MaxClasses = 100;

    public int Outputs => Task == TaskKind.Multiclass ? Classes!.Length : 1;

    public void Write(BinaryWriter writer)
    {
        writer.Write(Task.WireName());
        writer.Write(Classes is not null);
        if (Classes is not null) CategoricalEncoder.WriteStrings(writer, Classes);
        writer.Write(Mean);
        writer.Write(Std);
    }

    public static TargetSpec Read(BinaryReader reader)
    {
        var task = TaskKinds.ReadConcrete(reader.ReadString());
        var classes = reader.ReadBoolean() ? CategoricalEncoder.ReadStrings(reader) : null;
        if ((task == TaskKind.Regression) != (classes is null)) throw new InvalidDataException("Classes do not match the task.");
        return new TargetSpec(task, classes, reader.ReadDouble(), reader.ReadDouble());
    }
}
