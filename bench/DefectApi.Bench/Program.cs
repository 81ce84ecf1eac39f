using DefectApi.Bench;
using DefectApi.Bench.Service;

return args.FirstOrDefault() switch
{
    "train" => TrainBench.Run(args),
    "gemm" => GemmBench.Run(args),
    "quality" => QualityBench.Run(args[1..]),
    "training-time" => TrainingTimeBench.Run(args),
    "leakage" => LeakageBench.Run(args),
    "ingest" => IngestBench.Run(args[1..]),
    "upload" => await UploadBench.RunAsync(args),
    "serve" => await ServeBench.RunAsync(args),
    "soak" => await SoakBench.RunAsync(args),
    "score" => await ScoreBench.RunAsync(args),
    "providers" => await ProvidersBench.RunAsync(args),
    "training-load" => await TrainingLoadBench.RunAsync(args),
    "monitoring" => await MonitoringBench.RunAsync(args),
    _ => BenchArgs.Usage(),
};
