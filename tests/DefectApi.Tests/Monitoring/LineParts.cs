namespace DefectApi.Tests.Monitoring;

/// <summary>One part as a line's MES sends it for scoring (the columns of <see cref="Infrastructure.TestData.DefectsCsv"/>),
/// with what really happened to it.</summary>
public sealed record Part(string Serial, string Shift, double Temperature, double Speed, bool Defective)
{
    public Dictionary<string, object?> Record => new()
    {
        ["Serial"] = Serial, ["Shift"] = Shift, ["Temperature [C]"] = Temperature, ["Speed [rpm]"] = Speed,
    };

    public string Actual => Defective ? "1" : "0";
}

public static class LineParts
{
    /// <summary>Parts spread over the whole range the defect model was trained on. They are defective by the rule that
    /// model learnt, except every fourth, which went the other way: so every figure (precision, recall, AUC) is neither
    /// 0 nor 1 and would show a miscount.</summary>
    public static List<Part> Spread(int count, int seed = 1, string serialPrefix = "SN")
    {
        var random = new Random(seed);
        var parts = new List<Part>();
        for (int i = 0; i < count; i++)
        {
            double temperature = Math.Round(60 + random.NextDouble() * 40, 2), speed = Math.Round(1000 + random.NextDouble() * 1000, 1);
            bool byRule = temperature > 85 && speed > 1500;
            var shift = (i % 3) switch { 0 => "early", 1 => "late", _ => "night" };
            parts.Add(new Part($"{serialPrefix}-{seed}-{i}", shift, temperature, speed, i % 4 == 3 ? !byRule : byRule));
        }
        return parts;
    }

    public static string JsonRecords(IEnumerable<Part> parts) => JsonSerializer.Serialize(new { records = parts.Select(p => p.Record) });
}

/// <summary>One answer as it was given (the positive class's probability and the decision at the threshold in force
/// then) beside what really happened.</summary>
public sealed record Judged(double Probability, bool Decided, bool Actual)
{
    public static Judged Of(JsonElement answer, Part part) => WithActual(answer, part.Defective);

    public static Judged WithActual(JsonElement answer, bool actual) =>
        new(answer.GetProperty("probability").GetDouble(), answer.GetProperty("defect").GetBoolean(), actual);
}

/// <summary>The binary figures of live performance, computed here from what was answered and reported, the way
/// OutcomeMetrics defines them: the ones the rollups must reproduce.</summary>
public static class HandFigures
{
    public static Dictionary<string, double?> Binary(IReadOnlyList<Judged> judged)
    {
        int tp = judged.Count(j => j.Decided && j.Actual), fp = judged.Count(j => j.Decided && !j.Actual);
        int fn = judged.Count(j => !j.Decided && j.Actual);
        int positives = judged.Count(j => j.Actual), negatives = judged.Count - positives;
        return new()
        {
            ["auc"] = positives > 0 && negatives > 0 ? Auc(judged, positives, negatives) : null,
            ["precision"] = tp + fp == 0 ? 0 : (double)tp / (tp + fp),
            ["recall"] = tp + fn == 0 ? 0 : (double)tp / (tp + fn),
            ["f1"] = 2 * tp + fp + fn == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn),
            ["observedDefectRate"] = (double)positives / judged.Count,
            ["meanPredictedDefectRate"] = judged.Average(j => j.Probability),
        };
    }

    /// <summary>The share of (positive, negative) pairs in which the positive scored higher, ties counting half.</summary>
    static double Auc(IReadOnlyList<Judged> judged, int positives, int negatives)
    {
        double wins = 0;
        foreach (var p in judged.Where(j => j.Actual))
            foreach (var n in judged.Where(j => !j.Actual))
                wins += p.Probability > n.Probability ? 1 : p.Probability == n.Probability ? 0.5 : 0;
        return wins / ((double)positives * negatives);
    }

    /// <summary>A performance bucket holds these answers and outcomes: the counts exactly, each figure within 0.001 (the
    /// rollups' score histogram is allowed that much on the AUC).</summary>
    public static void AssertBucket(JsonElement bucket, int predictions, IReadOnlyList<Judged> withOutcome)
    {
        Assert.Equal((predictions, withOutcome.Count),
            (bucket.GetProperty("predictions").GetInt32(), bucket.GetProperty("withOutcome").GetInt32()));
        var metrics = bucket.GetProperty("metrics");
        foreach (var (name, expected) in Binary(withOutcome))
        {
            Assert.True(metrics.TryGetProperty(name, out var actual), $"no {name} in {metrics}");
            if (expected is null) Assert.Equal(JsonValueKind.Null, actual.ValueKind);
            else Assert.True(Math.Abs(expected.Value - actual.GetDouble()) <= 0.001, $"{name}: expected {expected}, the " +
                $"service said {actual}");
        }
    }
}
