using DefectApi.Bench;

return args.FirstOrDefault() switch
{
    "train" => TrainBench.Run(args),
    "gemm" => GemmBench.Run(args),
    _ => BenchArgs.Usage(),
};
