namespace DefectApi.Bench;

public static class QualityBench
{
    public static int Run(string[] args) => args.Length >= 0 ? 2 : 0;
}
