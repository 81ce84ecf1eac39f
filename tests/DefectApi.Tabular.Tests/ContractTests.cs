namespace DefectApi.Tabular.Tests;

/// <summary>Every public name of contracts/tabular-api.md, fully qualified: if a name moves or disappears, this file
/// stops compiling before the web host does.</summary>
public class ContractTests
{
    [Fact]
    public void EveryContractNameExistsInItsNamespace()
    {
        Type[] contract =
        [
            typeof(DefectApi.Tabular.Csv.CsvReadOptions), typeof(DefectApi.Tabular.Csv.CsvFormatException),
            typeof(DefectApi.Tabular.Csv.IChunkSink), typeof(DefectApi.Tabular.Csv.IngestedDataset),
                typeof(DefectApi.Tabular.Csv.CsvIngestor),
            typeof(DefectApi.Tabular.Inference.CsvScorer),
            typeof(DefectApi.Tabular.Schema.ColumnType), typeof(DefectApi.Tabular.Schema.ValueCount),
                typeof(DefectApi.Tabular.Schema.ColumnProfile),
            typeof(DefectApi.Tabular.Frames.CellValue), typeof(DefectApi.Tabular.Frames.CellKind),
                typeof(DefectApi.Tabular.Frames.TabularFrame),
            typeof(DefectApi.Tabular.Frames.ChunkReader),
            typeof(DefectApi.Tabular.Targets.TaskKind), typeof(DefectApi.Tabular.Training.TabularTrainingOptions),
            typeof(DefectApi.Tabular.Training.TrainingProgress), typeof(DefectApi.Tabular.Training.TrainingDataException),
            typeof(DefectApi.Tabular.Training.EpochHistory), typeof(DefectApi.Tabular.TrainingOutcome),
            typeof(DefectApi.Tabular.TabularTrainer),
            typeof(DefectApi.Tabular.Features.ModelInputInfo), typeof(DefectApi.Tabular.Training.DroppedColumn),
                typeof(DefectApi.Tabular.Metrics.ThresholdPoint),
            typeof(DefectApi.Tabular.Metrics.ModelMetrics), typeof(DefectApi.Tabular.Inference.Prediction),
                typeof(DefectApi.Tabular.Inference.RecordError),
            typeof(DefectApi.Tabular.Inference.PredictionBatch), typeof(DefectApi.Tabular.ModelArtifact),
            typeof(DefectApi.Tabular.Inference.Scorer),
        ];
        Assert.All(contract, t => Assert.True(t.IsPublic, t.FullName));

        Func<Stream, DefectApi.Tabular.Csv.CsvReadOptions, DefectApi.Tabular.Csv.IChunkSink, CancellationToken,
            Task<DefectApi.Tabular.Csv.IngestedDataset>> ingest =
            DefectApi.Tabular.Csv.CsvIngestor.IngestAsync;
        Func<Stream, Stream, DefectApi.Tabular.Inference.Scorer, DefectApi.Tabular.Inference.ICsvPredictionLog?, CancellationToken,
            Task<DefectApi.Tabular.Inference.CsvScoreCounts>> score =
            DefectApi.Tabular.Inference.CsvScorer.ScoreAsync;
        Func<DefectApi.Tabular.Frames.TabularFrame, DefectApi.Tabular.Training.TabularTrainingOptions,
            Action<DefectApi.Tabular.Training.TrainingProgress>?, CancellationToken, CancellationToken, TrainingOutcome> train =
            TabularTrainer.Train;
        Func<byte[], IReadOnlyList<DefectApi.Tabular.Frames.CellValue[]>> rows = DefectApi.Tabular.Frames.ChunkReader.ReadRows;
        Func<byte[], ModelArtifact> load = ModelArtifact.FromBytes;
        // This assembly sees internals, so binding above proves only the signatures; the web host needs them public.
        Delegate[] entryPoints = [ingest, score, train, rows, load];
        Assert.All(entryPoints, d => Assert.True(d.Method.IsPublic, d.Method.Name));
    }
}
