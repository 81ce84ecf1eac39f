using System.Text.Json;
using System.Text.Json.Serialization;
using DefectApi.Tabular.Targets;

namespace DefectApi.Tabular.Tests.Targets;

/// <summary>The tasks' wire names are stored in artifacts, jobs, databases and exported models: they never change,
/// and JSON spells them as <see cref="TaskKinds.WireName"/> does.</summary>
public class TaskKindTests
{
    [Fact]
    public void EachTaskHasItsWireNameAndJsonWritesTheSame()
    {
        Assert.Equal(["auto", "binary", "multiclass", "regression"], Enum.GetValues<TaskKind>().Select(TaskKinds.WireName));
        var json = new JsonSerializerOptions { Converters = { new JsonStringEnumConverter() } };
        Assert.All(Enum.GetValues<TaskKind>(), task => Assert.Equal($"\"{task.WireName()}\"", JsonSerializer.Serialize(task, json)));
        Assert.Equal("auto, binary, multiclass or regression", TaskKinds.Listed);
    }

    [Fact]
    public void AWireNameReadsBackExactlyAndATrainedModelIsNeverAuto()
    {
        Assert.All(Enum.GetValues<TaskKind>(), task => Assert.Equal(task, TaskKinds.FromWireName(task.WireName())));
        Assert.Null(TaskKinds.FromWireName("Binary"));
        Assert.Null(TaskKinds.FromWireName(null));
        Assert.Equal([TaskKind.Binary, TaskKind.Multiclass, TaskKind.Regression], TaskKinds.Concrete);
        Assert.Equal(TaskKind.Regression, TaskKinds.ReadConcrete("regression"));
        Assert.Throws<InvalidDataException>(() => TaskKinds.ReadConcrete("auto"));
        Assert.Throws<InvalidDataException>(() => TaskKinds.ReadConcrete("clustering"));
        Assert.False(((TaskKind)7).IsConcrete());
    }
}
