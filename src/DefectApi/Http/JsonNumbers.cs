namespace DefectApi.Http;

/// <summary>JSON has no NaN or Infinity: an undefined figure (AUC with one class in validation, a diverged loss)
/// goes out as null.</summary>
public static class JsonNumbers
{
    public static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
