namespace DefectApi.Tabular.Features;

/// <param name="Type">numeric | categorical | boolean | datetime</param>
public sealed record ModelInputInfo(string Name, string Type, IReadOnlyList<string>? Categories);
