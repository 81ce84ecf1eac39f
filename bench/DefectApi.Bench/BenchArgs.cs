namespace DefectApi.Bench;

// "--name value" options after the command word.
internal sealed class BenchArgs(string[] args)
{
    public static int Usage()
    {
        Console.Error.WriteLine("""
            usage: DefectApi.Bench train --inputs 64 --hidden 256,256 --batch 256 --rows 100000 [--epochs 6] [--threads N] [--seed S]
                   DefectApi.Bench gemm --m 2048 --n 2048 --k 2048 [--form nn|tn|nt] [--reps 5] [--threads N] [--seed S]
                   DefectApi.Bench quality [--only NAME] [--folds 5] [--repeats 1] [--no-test] [--set name=value ...]
                   DefectApi.Bench quality --train F --test F --target T [--exclude A B ...] [--folds 5] [--repeats 1] [--no-test]
                   DefectApi.Bench training-time [--rows 10000,30000,100000,1000000] [--columns 10]
                   DefectApi.Bench leakage [--data DIR] [--reps 3] [--scores] [--no-time]
                   DefectApi.Bench ingest FILE [--repeat N]
                   DefectApi.Bench upload --rows 2000000 --columns 30 [--settle SECONDS]
                   DefectApi.Bench serve [--clients 32] [--seconds 5] [--reps 3] [--epochs N]
                   DefectApi.Bench soak [--minutes 10]
                   DefectApi.Bench score [--rows 200000] [--csv-mb 100] [--threads N]
                   DefectApi.Bench providers [--rows 300000] [--columns 30] [--reps 3] [--clients 32] [--seconds 5] [--jobs 10]
                   DefectApi.Bench training-load [--seconds 10] [--reps 5] [--connections 32] [--app FOLDER]
                                                 [--set Training__MaxThreads=2 ...]
                   DefectApi.Bench monitoring --rows 1000000[,10000000] [--provider sqlite|postgres] [--reps 3] [--epochs 3]
            """);
        return 2;
    }

    public string? Get(string name)
    {
        int i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public int[] Ints(string name, int[] fallback)
        => Get(name) is { } v ? v.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))
            .ToArray() : fallback;

    public int Threads => Int("threads", Environment.ProcessorCount);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static string F(double v, string format = "F1") => v.ToString(format, CultureInfo.InvariantCulture);
}
