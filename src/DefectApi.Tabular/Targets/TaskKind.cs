using System.Reflection;
using System.Text.Json.Serialization;

namespace DefectApi.Tabular.Targets;

/// <summary>What a model predicts, one enum from the training request to the stored artifact, its answers, drift and
/// ONNX export. Auto is a request's choice only ("decide from the target column"): a trained model is always one of
/// the other three. The names below are the tasks' only spelling: on the wire, in stored artifacts, jobs and
/// databases, and in exported models, so they must never change.</summary>
public enum TaskKind
{
    [JsonStringEnumMemberName("auto")] Auto,
    [JsonStringEnumMemberName("binary")] Binary,
    [JsonStringEnumMemberName("multiclass")] Multiclass,
    [JsonStringEnumMemberName("regression")] Regression,
}

/// <summary>The wire names of <see cref="TaskKind"/>, read from its attributes so that JSON and everything else agree.</summary>
public static class TaskKinds
{
    private static readonly Dictionary<TaskKind, string> Names = Enum.GetValues<TaskKind>().ToDictionary(task => task,
        task => typeof(TaskKind).GetField(task.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()!.Name);

    private static readonly Dictionary<string, TaskKind> ByName = Names.ToDictionary(pair => pair.Value, pair =>
        pair.Key, StringComparer.Ordinal);

    /// <summary>The tasks a trained model can have: every one but <see cref="TaskKind.Auto"/>.</summary>
    public static IReadOnlyList<TaskKind> Concrete { get; } = Enum.GetValues<TaskKind>().Where(IsConcrete).ToArray();

    /// <summary>"auto, binary, multiclass or regression", for a message that offers every task.</summary>
    public static string Listed { get; } =
        string.Join(", ", Enum.GetValues<TaskKind>().SkipLast(1).Select(WireName)) + " or " + Enum.GetValues<TaskKind>().Last().WireName();

    public static bool IsConcrete(this TaskKind task) => Enum.IsDefined(task) && task != TaskKind.Auto;

    public static string WireName(this TaskKind task) =>
        Names.TryGetValue(task, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(task), task, "Not a task.");

    /// <summary>The task a wire name stands for (exactly as written), or null.</summary>
    public static TaskKind? FromWireName(string? name) => name is not null && ByName.TryGetValue(name, out var task) ? task : null;

    /// <summary>A trained model's task as stored: one of <see cref="Concrete"/>.</summary>
    /// <exception cref="InvalidDataException">anything else</exception>
    public static TaskKind ReadConcrete(string name) =>
        FromWireName(name) is { } task && task.IsConcrete() ? task : throw new InvalidDataException($"Unknown task '{name}'.");
}
