using System.Text.Json;
using DefectApi.Audit;
using DefectApi.Bundles;
using DefectApi.Data;
using DefectApi.Datasets;
using DefectApi.Deployments;
using DefectApi.Http;
using DefectApi.Monitoring;
using DefectApi.OpenApi;
using DefectApi.Predictions;
using DefectApi.Registry;
using DefectApi.Replicas;
using DefectApi.Security;
using DefectApi.Telemetry;
using DefectApi.Training;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DefectApi.Hosting;

public static class DefectApiSetup
{
    /// <summary>The repository's top-level appsettings.json is copied beside the app at build and publish; it is read
    /// from there so that the same file configures <c>dotnet run</c>, the published folder and the container, wherever
    /// the process was started from.</summary>
    public static WebApplicationBuilder AddTopLevelSettings(this WebApplicationBuilder builder)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        var sources = builder.Configuration.Sources;
        // Insert after the content root's JSON files, before environment variables and the command line.
        var index = sources.TakeWhile(s =>
            s is not Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource
            && s is not Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationSource).Count();
        var json = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = file, Optional = true,
            ReloadOnChange = false
        };
        json.ResolveFileProvider();
        sources.Insert(index, json);
        return builder;
    }

    public static WebApplicationBuilder AddDefectApi(this WebApplicationBuilder builder)
    {
        builder.AddTopLevelSettings();
        builder.AddServiceTelemetry();
        var services = builder.Services;
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TrainingQueueOptions>().BindConfiguration(TrainingQueueOptions.SectionName).ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<PredictionOptions>().BindConfiguration(PredictionOptions.SectionName).ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ModelCacheOptions>().BindConfiguration(ModelCacheOptions.SectionName).ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<BundleOptions>().BindConfiguration(BundleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddHostedService<SettingsSpellCheck>();
        services.AddApiProblemHandling();
        services.AddDefectDatabase();
        services.AddApiKeySecurity();
        services.AddDefectApiOpenApi();
        // Request records and parameters are checked against their DataAnnotations before a handler runs (400 with 'errors').
        services.AddValidation();
        services.AddShutdownDrain();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<TrainingHealthCheck>("training", tags: ["ready"])
            .AddCheck<DrainHealthCheck>("drain", tags: ["ready"]);

        services.AddScoped<DatasetStore>();
        services.AddSingleton<TrainingQueue>();
        services.AddSingleton<RunningJobs>();
        services.AddSingleton<TrainingCores>();
        services.AddSingleton<IDatasetUsers, TrainingJobDatasetUsers>();
        services.AddSingleton<TrainingMetrics>();
        services.AddSingleton<JobEvents>();
        services.AddHostedService<TrainingWorker>();
        services.AddSingleton<ModelCache>();
        services.AddSingleton<DeploymentRoutes>();
        services.AddSingleton<ChangeFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeFeed>());
        services.AddSingleton<ModelLookup>();
        services.AddSingleton<Predictor>();
        services.AddOptions<Monitoring.PredictionLogOptions>().BindConfiguration(Monitoring.PredictionLogOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Monitoring.PredictionLog>();
        services.AddSingleton<IPredictionSink>(provider => provider.GetRequiredService<Monitoring.PredictionLog>());
        services.AddSingleton<Monitoring.PredictionLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<Monitoring.PredictionLogWriter>());
        services.AddHostedService<Monitoring.PredictionLogRetention>();
        services.AddScoped<Monitoring.OutcomeRecorder>();
        services.AddSingleton<Monitoring.LogSegments>();
        services.AddScoped<Monitoring.Rollups>();
        services.AddScoped<Monitoring.LivePerformance>();
        services.AddScoped<Monitoring.LiveDrift>();
        services.AddSingleton<Monitoring.DeploymentHealth>();
        services.AddHostedService(sp => sp.GetRequiredService<Monitoring.DeploymentHealth>());
        if (OpenApiSetup.IsBuildTimeExport) services.RemoveBackgroundWork();
        return builder;
    }

    public static WebApplication MapDefectApi(this WebApplication app)
    {
        app.UseConnectionCloseWhileDraining();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDashboard();

        app.UseApiKeySecurity();
        app.UseRequestBodyLimits();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/openapi/v1.json", "DefectApi v1");
            options.RoutePrefix = "swagger";
            options.DocumentTitle = "DefectApi";
        });
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync })
            .WithTags("Operations").DisableRateLimiting();
        app.MapHealthChecks("/health/ready",
            new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteHealthAsync })
            .WithTags("Operations").DisableRateLimiting();

        app.MapServiceMetrics();

        app.MapDatasetsApi();
        app.MapTrainingJobsApi();
        app.MapModelsApi();
        app.MapPredictionsApi();
        app.MapModelBundleApi();
        app.MapDeploymentsApi();
        app.MapMonitoringApi();
        app.MapPredictionLogApi();
        app.MapOptimizationApi();
        app.MapKeysApi();
        app.MapAuditApi();
        return app;
    }

    static Task WriteHealthAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e =>
                new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
