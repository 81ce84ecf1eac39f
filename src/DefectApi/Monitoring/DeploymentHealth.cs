using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using DefectApi.Data;
using DefectApi.Registry;
using DefectApi.Tabular.Targets;
using DefectApi.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DefectApi.Monitoring;

/// <summary>
/// Each deployment's live metric and worst drift over the last day, refreshed in the background and exported as
/// gauges: defectapi_deployment_live_metric{deployment, model=champion|shadow, metric}, beside it the outcomes it rests
/// on (defectapi_deployment_live_outcomes{deployment, model}) and the same model's metric from training
/// (defectapi_deployment_training_metric, labelled like the live one, so an alert compares them series by series), and
/// defectapi_deployment_drift_worst_psi{deployment, model}. The label sets stay bounded: one metric name per task,
/// two roles, and at most <see cref="MaxDeployments"/> deployments (the first by name).
/// </summary>
public sealed class DeploymentHealth : BackgroundService
{
    public const int MaxDeployments = 50;
    static readonly TimeSpan Window = TimeSpan.FromDays(1);

    readonly IServiceScopeFactory _scopes;
    readonly IOptions<PredictionLogOptions> _options;
    readonly TimeProvider _clock;
    readonly ILogger<DeploymentHealth> _logger;
    readonly ConcurrentDictionary<(string Deployment, string Model, string Metric), double> _metrics = new();
    readonly ConcurrentDictionary<(string Deployment, string Model), double> _worstPsi = new();
    readonly ConcurrentDictionary<(string Deployment, string Model), double> _outcomes = new();
    readonly ConcurrentDictionary<(string Deployment, string Model, string Metric), double> _trainingMetrics = new();
    /// <summary>A model's metric from training never changes (a new threshold moves none of auc, rmse, accuracy): read
    /// once per deployed model, not at every refresh.</summary>
    readonly ConcurrentDictionary<Guid, (string Metric, double Value)?> _trainedModels = new();

    public DeploymentHealth(IServiceScopeFactory scopes, IOptions<PredictionLogOptions> options, TimeProvider clock, IMeterFactory meters,
        PredictionLog log, ILogger<DeploymentHealth> logger)
    {
        (_scopes, _options, _clock, _logger) = (scopes, options, clock, logger);
        var meter = meters.Create(ServiceMetrics.MeterName);
        meter.CreateObservableGauge("defectapi.deployment.live_metric", () => _metrics.Select(m => new Measurement<double>(m.Value,
                new("deployment", m.Key.Deployment), new("model", m.Key.Model), new("metric", m.Key.Metric))),
            description: "Over the last day, on predictions with an outcome: auc (binary), rmse (regression) or accuracy (multiclass).");
        meter.CreateObservableGauge("defectapi.deployment.drift_worst_psi", () => _worstPsi.Select(m => new Measurement<double>(m.Value,
                new("deployment", m.Key.Deployment), new("model", m.Key.Model))),
            description: "Over the last day: the largest population stability index of any input column (0.1 watch, 0.25 alert).");
        meter.CreateObservableGauge("defectapi.deployment.live_outcomes", () => _outcomes.Select(m => new Measurement<double>(m.Value,
                new("deployment", m.Key.Deployment), new("model", m.Key.Model))), "{prediction}",
            "Over the last day: the predictions with a reported outcome, which the live metric is computed on.");
        meter.CreateObservableGauge("defectapi.deployment.training_metric", () =>
            _trainingMetrics.Select(m => new Measurement<double>(m.Value,
                new("deployment", m.Key.Deployment), new("model", m.Key.Model), new("metric", m.Key.Metric))),
            description: "The deployed model's own metric from training (out-of-fold, as GET /api/models/{id} shows it), to hold " +
            "the live metric against.");
        meter.CreateObservableCounter("defectapi.prediction_log.dropped", () => log.Dropped, "{prediction}",
            "Answers not logged: the queue was full, or the database refused them after retries.");
        meter.CreateObservableCounter("defectapi.outcomes.expired", () => log.ExpiredOutcomes, "{outcome}",
            "Outcomes removed because no prediction met them within PredictionLog:PendingOutcomeHours.");
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!_options.Value.Enabled) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.Value.HealthRefreshSeconds), _clock);
        while (await timer.WaitForNextTickAsync(stopping))
        {
            try { await RefreshAsync(stopping); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Refreshing the deployments' live metrics failed; it runs again at the next interval.");
            }
        }
    }

    /// <summary>Recomputes every gauge from the log of the last day.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var deployments = await services.GetRequiredService<DefectDbContext>().Deployments.AsNoTracking()
            .OrderBy(d => d.Name).Take(MaxDeployments).ToListAsync(ct);
        var end = _clock.GetUtcNow().UtcDateTime;
        var start = end - Window;
        var performance = services.GetRequiredService<LivePerformance>();
        var drift = services.GetRequiredService<LiveDrift>();
        var metrics = new Dictionary<(string, string, string), double>();
        var worst = new Dictionary<(string, string), double>();
        var outcomes = new Dictionary<(string, string), double>();
        var trained = new Dictionary<(string, string, string), double>();
        var cache = services.GetRequiredService<ModelCache>();
        foreach (var deployment in deployments)
        {
            foreach (var bucket in await performance.ComputeAsync(deployment.Name, start, end, Window, ct))
            {
                var role = bucket.Shadow ? "shadow" : "champion";
                bool current = bucket.ModelId == (bucket.Shadow ? deployment.ShadowModelId : deployment.ModelId);
                if (current) outcomes[(deployment.Name, role)] = bucket.WithOutcome;
                foreach (var name in HeadlineMetrics.Values)
                    if (current && bucket.Metrics.TryGetValue(name, out var value)
                        && value is { } v) metrics[(deployment.Name, role, name)] = v;
            }
            foreach (var (modelId, shadow) in new[] { (deployment.ModelId, false), (deployment.ShadowModelId, true) })
            {
                if (modelId is { } trainedId && await TrainingMetricAsync(cache, trainedId, ct) is ({ } name, var value))
                    trained[(deployment.Name, shadow ? "shadow" : "champion", name)] = value;
                if (modelId is not { } id
                    || await drift.ComputeAsync(deployment.Name, id, shadow, start, end, ct) is not { Records: > 0 } report) continue;
                if (report.Columns.Select(c => c.Psi).Max() is { } psi) worst[(deployment.Name, shadow ? "shadow" : "champion")] = psi;
            }
        }
        Replace(_metrics, metrics);
        Replace(_worstPsi, worst);
        Replace(_outcomes, outcomes);
        Replace(_trainingMetrics, trained);
        var deployed = deployments.SelectMany(d => new[] { d.ModelId, d.ShadowModelId }).OfType<Guid>().ToHashSet();
        foreach (var id in _trainedModels.Keys.Where(id => !deployed.Contains(id))) _trainedModels.TryRemove(id, out _);
    }

    /// <summary>The one metric per task that both the live gauge and the training gauge carry.</summary>
    static readonly Dictionary<TaskKind, string> HeadlineMetrics = new()
    {
        [TaskKind.Binary] = "auc", [TaskKind.Regression] = "rmse", [TaskKind.Multiclass] = "accuracy",
    };

    async Task<(string Metric, double Value)?> TrainingMetricAsync(ModelCache cache, Guid modelId, CancellationToken ct)
    {
        if (_trainedModels.TryGetValue(modelId, out var known)) return known;
        // Not admitted to the cache: reading a model for its metric must not push out one that serves predictions.
        var artifact = (await cache.GetAsync(modelId, ct, admit: false))?.Artifact;
        (string, double)? metric = artifact is not null && HeadlineMetrics.TryGetValue(artifact.Task, out var name)
            && artifact.Metrics.TryGetValue(name, out var value) && value is double d && double.IsFinite(d) ? (name, d) : null;
        return _trainedModels[modelId] = metric;
    }

    static void Replace<TKey>(ConcurrentDictionary<TKey, double> current, Dictionary<TKey, double> fresh) where TKey : notnull
    {
        foreach (var key in current.Keys.Except(fresh.Keys)) current.TryRemove(key, out _);
        foreach (var (key, value) in fresh) current[key] = value;
    }
}
