namespace DefectApi.Tabular.Frames;

/// <summary>Arrays as the stored artifact and the drift baselines lay them out: a length, then the values.</summary>
internal static class BinaryArrays
{
    internal static int CheckedCount(int count) =>
        count is >= 0 and <= 1 << 30 ? count : throw new InvalidDataException("The model artifact holds an impossible length.");

    internal static void WriteDoubles(BinaryWriter writer, double[] values)
    {
        writer.Write(values.Length);
        foreach (double v in values) writer.Write(v);
    }

    internal static double[] ReadDoubles(BinaryReader reader)
    {
        var values = new double[CheckedCount(reader.ReadInt32())];
        for (int i = 0; i < values.Length; i++) values[i] = reader.ReadDouble();
        return values;
    }
}
