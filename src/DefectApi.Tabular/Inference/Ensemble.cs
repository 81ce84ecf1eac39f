using System.Collections;
using DefectApi.NeuralNet.Networks;
using DefectApi.Tabular.Features;
using DefectApi.Tabular.Neighbours;

namespace DefectApi.Tabular.Inference;

/// <summary>One network of the model with the preprocessing it reads: since artifact format 4 the one preprocessing
/// that every member shares; in formats 1 to 3 its own, fitted on its own training part.</summary>
internal sealed record EnsembleMember(FeaturePipeline Pipeline, Network Network);

/// <summary>The model's networks as scoring runs them. When every member reads the same preprocessing (format 4), a
/// batch is encoded once and the networks run packed (<see cref="PackedEnsemble"/>); members with their own
/// preprocessing (formats 1 to 3) are encoded and run one by one, exactly as they always were.</summary>
internal sealed class Ensemble : IReadOnlyList<EnsembleMember>
{
    private readonly EnsembleMember[] _members;

    /// <param name="neighbours">blended into the networks' answer; only with one shared preprocessing, whose
    /// encoding it reads</param>
    public Ensemble(IReadOnlyList<EnsembleMember> members, NeighbourBlend? neighbours = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        _members = [.. members];
        if (_members.Length > 0 && _members.All(m => ReferenceEquals(m.Pipeline, _members[0].Pipeline)))
        {
            SharedPipeline = _members[0].Pipeline;
            Packed = PackedEnsemble.TryPack(_members.Select(m => m.Network).ToArray());
        }
        if (neighbours is not null && (SharedPipeline is null || neighbours.Columns.Max() >= SharedPipeline.Width))
            throw new InvalidDataException("A neighbour component needs the one preprocessing all networks share.");
        Neighbours = neighbours;
    }

    /// <summary>The neighbour component blended into the networks' answer; null for networks alone.</summary>
    public NeighbourBlend? Neighbours { get; }

    public Ensemble NetworksOnly() => Neighbours is null ? this : new Ensemble(_members);

    /// <summary>The preprocessing every member reads; null when each has its own.</summary>
    public FeaturePipeline? SharedPipeline { get; }

    /// <summary>The networks packed; null when they have their own preprocessing or differ in shape.</summary>
    public PackedEnsemble? Packed { get; }

    /// <summary>Every input's encoders (the first member's: all members have the same inputs in the same order).</summary>
    public IReadOnlyList<FeatureEncoder> Encoders => _members[0].Pipeline.Encoders;

    public EnsembleMember this[int index] => _members[index];
    public int Count => _members.Length;
    public IEnumerator<EnsembleMember> GetEnumerator() => ((IEnumerable<EnsembleMember>)_members).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
