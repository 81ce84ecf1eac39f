using System.Security.Cryptography;
using DefectApi.NeuralNet.Networks;
using DefectApi.NeuralNet.Serialization;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Inference;
using DefectApi.Tabular.Monitoring;
using DefectApi.Tabular.Neighbours;
using DefectApi.Tabular.Targets;
using DefectApi.Tabular.Training;

namespace DefectApi.Tabular;

/// <summary>
/// The artifact blob: "DAMA" | int32 version | payload | SHA-256 of everything before it. The payload holds the
/// target, the dropped columns, the threshold, the fitted preprocessing (one for all members since format 4, one per
/// member before), each member's network (engine format) and the
/// validation outputs and actuals from which metrics and the threshold table are recomputed on load. Written with
/// BinaryWriter (little-endian, length-prefixed UTF-8 strings); nothing in it depends on time or machine, so the
/// same training gives the same bytes.
/// </summary>
internal static class ModelArtifactFormat
{
    private static ReadOnlySpan<byte> Magic => "DAMA"u8;
    /// <summary>6 is format 5 followed by the neighbour component, written only for a model that has one (every
    /// other model is written exactly as before). 5 adds a score and a sentence to each dropped column and, at the
    /// end, the leak findings; a model without either is written in format 4, byte for byte as before. 4 holds one preprocessing that
    /// every member reads, written once before the networks; 3 appended the
    /// training profile (a flag, then the profile when there is one); 2 added the training sample. 1 to 3 hold a
    /// preprocessing per member and are still read (their models have no profile before 3, and 1 no sample), and a
    /// model read from them is written in format 3 again, so it keeps predicting exactly what it did.</summary>
    public const int Version = 6;
    private const int WithNeighbours = 6, WithLeaks = 5, SharedPipeline = 4, PerMemberPipelines = 3;
    private const int HashBytes = 32;

    public static byte[] Write(ModelArtifact model)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            var shared = model.Members.SharedPipeline;
            writer.Write(Magic);
            var neighbours = model.Members.Neighbours;
            bool leaks = shared is not null && (neighbours is not null || model.Leaks.Count > 0
                                                || model.Dropped.Any(d => d.Score is not null || d.Detail is not null));
            writer.Write(shared is null ? PerMemberPipelines : neighbours is not null ? WithNeighbours : leaks ? WithLeaks
                : SharedPipeline);
            writer.Write(model.Target);
            model.TargetSpec.Write(writer);
            writer.Write(model.Dropped.Count);
            foreach (var d in model.Dropped)
            {
                writer.Write(d.Name);
                writer.Write(d.Reason);
                if (!leaks) continue;
                writer.Write(d.Score ?? double.NaN);
                writer.Write(d.Detail ?? "");
            }
            writer.Write(model.Threshold ?? double.NaN);
            writer.Write(model.Members.Count);
            shared?.Write(writer);
            foreach (var member in model.Members)
            {
                if (shared is null) member.Pipeline.Write(writer);
                var bytes = member.Network.ToBytes();
                writer.Write(bytes.Length);
                writer.Write(bytes);
            }
            BinaryArrays.WriteDoubles(writer, model.Validation.Outputs);
            BinaryArrays.WriteDoubles(writer, model.Validation.Actuals);
            writer.Write(model.Sample.Length);
            foreach (var row in model.Sample)
                foreach (var cell in row) WriteCell(writer, cell);
            writer.Write(model.Profile is not null);
            model.Profile?.Write(writer);
            if (leaks) WriteLeaks(writer, model.Leaks);
            neighbours?.Write(writer);
        }
        var body = stream.ToArray();
        return [.. body, .. SHA256.HashData(body)];
    }

    public static ModelArtifact Read(byte[] blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (blob.Length < Magic.Length + 4 + HashBytes || !blob.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException("This is not a DefectApi model artifact.");
        var body = blob.AsSpan(0, blob.Length - HashBytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(blob.AsSpan(blob.Length - HashBytes)))
            throw new InvalidDataException("The model artifact is corrupt (checksum mismatch).");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(blob, 0, body.Length), System.Text.Encoding.UTF8);
            reader.ReadBytes(Magic.Length);
            int version = reader.ReadInt32();
            if (version is not (1 or 2 or 3 or SharedPipeline or WithLeaks or WithNeighbours))
                throw new InvalidDataException($"Model artifact version {version} is not supported (expected {Version}).");
            string target = reader.ReadString();
            var spec = TargetSpec.Read(reader);
            int droppedCount = BinaryArrays.CheckedCount(reader.ReadInt32());
            var dropped = new DroppedColumn[droppedCount];
            for (int i = 0; i < droppedCount; i++)
            {
                dropped[i] = new DroppedColumn(reader.ReadString(), reader.ReadString());
                if (version < WithLeaks) continue;
                double score = reader.ReadDouble();
                string detail = reader.ReadString();
                dropped[i] = dropped[i] with { Score = double.IsNaN(score) ? null : score, Detail = detail.Length == 0 ? null : detail };
            }
            double threshold = reader.ReadDouble();
            var members = new EnsembleMember[BinaryArrays.CheckedCount(reader.ReadInt32())];
            var shared = version >= SharedPipeline ? FeaturePipeline.Read(reader) : null;
            for (int i = 0; i < members.Length; i++)
            {
                var pipeline = shared ?? FeaturePipeline.Read(reader);
                var network = Network.FromBytes(reader.ReadBytes(BinaryArrays.CheckedCount(reader.ReadInt32())));
                members[i] = new EnsembleMember(pipeline, network);
            }
            var validation = new ValidationOutputs(BinaryArrays.ReadDoubles(reader), BinaryArrays.ReadDoubles(reader));
            var sample = version >= 2 ? ReadSample(reader, members[0].Pipeline.Encoders.Count) : [];
            var profile = version >= 3 && reader.ReadBoolean() ? TrainingProfile.Read(reader) : null;
            var leaks = version >= WithLeaks ? ReadLeaks(reader) : [];
            var neighbours = version >= WithNeighbours ? NeighbourBlend.Read(reader, shared!.Width) : null;
            if (reader.BaseStream.Position != body.Length) throw new InvalidDataException("The model artifact has trailing data.");
            return new ModelArtifact(target, spec, members, dropped, double.IsNaN(threshold) ? null : threshold, validation, sample,
                profile, leaks, neighbours);
        }
        catch (Exception e) when (e is EndOfStreamException or NetworkFormatException or ArgumentException or IOException
                                      or OverflowException or FormatException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"The model artifact is corrupt: {e.Message}", e);
        }
    }

    private static void WriteLeaks(BinaryWriter writer, IReadOnlyList<LeakFinding> leaks)
    {
        writer.Write(leaks.Count);
        foreach (var leak in leaks)
        {
            writer.Write(leak.Name);
            writer.Write(leak.Score);
            writer.Write(leak.Detail);
            writer.Write(leak.Excluded);
        }
    }

    private static LeakFinding[] ReadLeaks(BinaryReader reader)
    {
        var leaks = new LeakFinding[BinaryArrays.CheckedCount(reader.ReadInt32())];
        for (int i = 0; i < leaks.Length; i++)
            leaks[i] = new LeakFinding(reader.ReadString(), reader.ReadDouble(), reader.ReadString(), reader.ReadBoolean());
        return leaks;
    }

    private static void WriteCell(BinaryWriter writer, CellValue cell)
    {
        writer.Write((byte)cell.Kind);
        switch (cell.Kind)
        {
            case CellKind.Number: writer.Write(cell.Number); break;
            case CellKind.Text: writer.Write(cell.Text!); break;
            case CellKind.Boolean: writer.Write(cell.Boolean); break;
        }
    }

    private static CellValue[][] ReadSample(BinaryReader reader, int inputs)
    {
        var rows = new CellValue[BinaryArrays.CheckedCount(reader.ReadInt32())][];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = new CellValue[inputs];
            for (int i = 0; i < inputs; i++)
                rows[r][i] = (CellKind)reader.ReadByte() switch
                {
                    CellKind.Missing => CellValue.Missing,
                    CellKind.Number => CellValue.FromNumber(reader.ReadDouble()),
                    CellKind.Text => CellValue.FromText(reader.ReadString()),
                    CellKind.Boolean => CellValue.FromBoolean(reader.ReadBoolean()),
                    var kind => throw new InvalidDataException($"Unknown cell kind {kind} in the training sample."),
                };
        }
        return rows;
    }
}
