using DefectApi.NeuralNet.Optimizers;
using DefectApi.NeuralNet.Specs;
using DefectApi.Tabular.Targets;
using DefectApi.Tabular.Training;
using DefectApi.Training;

namespace DefectApi.Tests.Training;

/// <summary>A request checked once into a <see cref="TrainingOrder"/>, stored in the job row's shape and read back by
/// the worker: the row keeps the shape every version wrote, and every version's rows still read.</summary>
public class TrainingOrderTests
{
    static readonly Guid DatasetId = Guid.Parse("0193a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b");

    static TrainingOrder Accept(TrainingJobRequest request)
    {
        var errors = TrainingRequestValidator.Check(request, out var options);
        Assert.Empty(errors);
        return TrainingRequestValidator.Order(request, options, DatasetId, "line3");
    }

    static string OneLine(string json) => json.ReplaceLineEndings("");

    /// <summary>Every public property, so two options compare by value (lists by their items).</summary>
    static string Values(TabularTrainingOptions options) => JsonSerializer.Serialize(options);

    [Fact]
    public void AnOrderIsStoredInTheShapeJobsHaveAlwaysStored()
    {
        var order = Accept(new TrainingJobRequest { DatasetId = DatasetId, Target = "Defect", Epochs = 5, ModelName = " line3-defects " });

        Assert.Equal(OneLine("""
            {"datasetId":"0193a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b","target":"Defect","task":"auto","positiveClass":null,
            "features":null,"exclude":[],"hiddenLayers":[128,64],"activation":"relu","dropout":0.1,"optimizer":"adam",
            "learningRate":0.001,"l2":0,"batchSize":32,"epochs":5,"earlyStoppingPatience":30,"validationFraction":0.2,
            "seed":42,"modelName":"line3-defects","falsePositiveCost":null,"falseNegativeCost":null,"ensembleSize":null,
            "leakage":"exclude","validation":"random","timeColumn":null,"groupColumn":null}
            """), order.ToStorageJson());
    }

    [Fact]
    public void AModelNameLeftOutIsTheDatasetsName() =>
        Assert.Equal("line3", Accept(new TrainingJobRequest { DatasetId = DatasetId, Target = "Defect" }).ModelName);

    [Theory]
    [InlineData(ActivationName.Relu, OptimizerName.Sgd, ValidationName.Random)]
    [InlineData(ActivationName.LeakyRelu, OptimizerName.Momentum, ValidationName.Time)]
    [InlineData(ActivationName.Tanh, OptimizerName.Nesterov, ValidationName.Random)]
    [InlineData(ActivationName.Sigmoid, OptimizerName.AdamW, ValidationName.Time)]
    public void AStoredOrderReadsBackIntoTheSameOptions(ActivationName activation, OptimizerName optimizer, ValidationName validation)
    {
        var order = Accept(new TrainingJobRequest
        {
            DatasetId = DatasetId, Target = "Defect", Task = TaskKind.Binary, PositiveClass = "1", Features = ["Speed"],
            Exclude = ["Serial"], Leakage = LeakagePolicy.Warn, HiddenLayers = [16], Activation = activation, Dropout = 0.25,
            Optimizer = optimizer, LearningRate = 0.01, L2 = 1e-4, BatchSize = 64, Epochs = 7, EarlyStoppingPatience = 3,
            ValidationFraction = 0.25, Seed = 9, EnsembleSize = 2, FalsePositiveCost = 1, FalseNegativeCost = 20,
            Validation = validation, TimeColumn = "Made", GroupColumn = "Lot",
        });

        var read = TrainingOrder.FromStorageJson(order.ToStorageJson());

        Assert.Equal((DatasetId, "line3"), (read.DatasetId, read.ModelName));
        Assert.Equal(Values(order.Options), Values(read.Options));
        Assert.Equal(TrainingChoices.ToEngine(activation), read.Options.Activation);
        Assert.Equal(TrainingChoices.ToEngine(optimizer), read.Options.Optimizer);
    }

    /// <summary>The first versions stored the task and the engine's choices as text and had no ensembleSize, leakage,
    /// validation, timeColumn or groupColumn.</summary>
    [Fact]
    public void AJobRowOfTheFirstVersionReadsIntoTheTrainersOptions()
    {
        var order = TrainingOrder.FromStorageJson("""
            {"datasetId":"0193a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b","target":"Machine failure","task":"binary","positiveClass":"1",
            "features":null,"exclude":["UDI"],"hiddenLayers":[64,32],"activation":"leaky_relu","dropout":0,"optimizer":"adamw",
            "learningRate":0.002,"l2":0.0001,"batchSize":32,"epochs":200,"earlyStoppingPatience":10,"validationFraction":0.2,
            "seed":42,"modelName":"line3-defects","falsePositiveCost":null,"falseNegativeCost":null}
            """);

        var expected = new TabularTrainingOptions
        {
            Target = "Machine failure", Task = TaskKind.Binary, PositiveClass = "1", Exclude = ["UDI"], HiddenLayers = [64, 32],
            Activation = Activation.LeakyRelu, Dropout = 0, Optimizer = OptimizerKind.AdamW, LearningRate = 0.002, L2 = 0.0001,
            BatchSize = 32, Epochs = 200, EarlyStoppingPatience = 10, ValidationFraction = 0.2, Seed = 42,
        };
        Assert.Equal((DatasetId, "line3-defects"), (order.DatasetId, order.ModelName));
        Assert.Equal(Values(expected), Values(order.Options));
        Assert.Equal((LeakagePolicy.Exclude, ValidationKind.Random, (int?)null), (order.Options.Leakage, order.Options.Validation,
            order.Options.EnsembleSize));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"target":"Defect"}""")]
    [InlineData("""{"target":"Defect","datasetId":"line3","modelName":"m"}""")]
    [InlineData("""{"target":"Defect","datasetId":"0193a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b","modelName":7}""")]
    [InlineData("{\"target\":")]
    public void ARowThatIsNoTrainingRequestIsRefused(string json) =>
        Assert.ThrowsAny<JsonException>(() => TrainingOrder.FromStorageJson(json));

    [Fact]
    public void TheStoredRowIsWhatAnswersAndBundlesShow()
    {
        var order = Accept(new TrainingJobRequest
        {
            DatasetId = DatasetId, Target = "Defect", Activation = ActivationName.LeakyRelu, Optimizer = OptimizerName.AdamW,
        });

        var shown = JsonSerializer.Deserialize<EffectiveTrainingRequest>(order.ToStorageJson(), TrainingJobMapping.StorageJson)!;

        Assert.Equal(EffectiveTrainingRequest.From(order) with { Exclude = shown.Exclude, HiddenLayers = shown.HiddenLayers }, shown);
        Assert.Equal((ActivationName.LeakyRelu, OptimizerName.AdamW), (shown.Activation, shown.Optimizer));
    }
}
