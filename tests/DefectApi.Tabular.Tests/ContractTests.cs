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
            typeof(DefectApi.Tabular.Csv.CsvScorer),
            typeof(DefectApi.Tabular.Schema.ColumnType), typeof(DefectApi.Tabular.Schema.ValueCount),
                typeof(DefectApi.Tabular.Schema.ColumnProfile),
            typeof(DefectApi.Tabular.CellValue), typeof(DefectApi.Tabular.CellKind), typeof(DefectApi.Tabular.TabularFrame),
            typeof(DefectApi.Tabular.ChunkReader),
            typeof(DefectApi.Tabular.Training.TaskKind), typeof(DefectApi.Tabular.Training.TabularTrainingOptions),
            typeof(DefectApi.Tabular.Training.TrainingProgress), typeof(DefectApi.Tabular.Training.TrainingDataException),
            typeof(DefectApi.Tabular.Training.EpochHistory), typeof(DefectApi.Tabular.Training.TrainingOutcome),
            typeof(DefectApi.Tabular.Training.TabularTrainer),
            typeof(DefectApi.Tabular.ModelInputInfo), typeof(DefectApi.Tabular.DroppedColumn), typeof(DefectApi.Tabular.ThresholdPoint),
            typeof(DefectApi.Tabular.ModelMetrics), typeof(DefectApi.Tabular.Prediction), typeof(DefectApi.Tabular.RecordError),
            typeof(DefectApi.Tabular.PredictionBatch), typeof(DefectApi.Tabular.ModelArtifact),
        ];
        Assert.All(contract, t => Assert.True(t.IsPublic, t.FullName));

        Func<Stream, DefectApi.Tabular.Csv.CsvReadOptions, DefectApi.Tabular.Csv.IChunkSink, CancellationToken,
            Task<DefectApi.Tabular.Csv.IngestedDataset>> ingest =
            DefectApi.Tabular.Csv.CsvIngestor.IngestAsync;
        Func<Stream, Stream, ModelArtifact, DefectApi.Tabular.Csv.ICsvPredictionLog?, CancellationToken,
            Task<DefectApi.Tabular.Csv.CsvScoreCounts>> score =
            DefectApi.Tabular.Csv.CsvScorer.ScoreAsync;
        Func<TabularFrame, DefectApi.Tabular.Training.TabularTrainingOptions, Action<DefectApi.Tabular.Training.TrainingProgress>?,
            CancellationToken, CancellationToken, DefectApi.Tabular.Training.TrainingOutcome> train =
            DefectApi.Tabular.Training.TabularTrainer.Train;
        Func<byte[], IReadOnlyList<CellValue[]>> rows = ChunkReader.ReadRows;
        Func<byte[], ModelArtifact> load = ModelArtifact.FromBytes;
        // This assembly sees internals, so binding above proves only the signatures; the web host needs them public.
        Delegate[] entryPoints = [ingest, score, train, rows, load];
        Assert.All(entryPoints, d => Assert.True(d.Method.IsPublic, d.Method.Name));
    }
}
