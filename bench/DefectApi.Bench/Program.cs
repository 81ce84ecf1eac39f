using DefectApi.Bench;

return args.FirstOrDefault() switch
{
    "train" => TrainBench.Run(args),
    "gemm" => GemmBench.Run(args),
    "quality" => QualityBench.Run(args[1..]),
    "ingest" => IngestBench.Run(args[1..]),
    _ => BenchArgs.Usage(),
};
