using DefectApi.Bench;

return args.Length == 0 ? Usage() : args[0] switch
{
    "quality" => QualityBench.Run(args[1..]),
    "ingest" => IngestBench.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: DefectApi.Bench quality --train F --test F --target T [--exclude A B ...] | ingest FILE [--repeat N]");
    return 2;
}
