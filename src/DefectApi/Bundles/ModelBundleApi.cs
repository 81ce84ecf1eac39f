using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using DefectApi.Audit;
using DefectApi.Data;
using DefectApi.Datasets;
using DefectApi.Http;
using DefectApi.OpenApi;
using DefectApi.Registry;
using DefectApi.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace DefectApi.Bundles;

/// <summary>Limits of <c>POST /api/models/import</c>.</summary>
public sealed class BundleOptions
{
    public const string SectionName = "Bundles";

    /// <summary>Largest bundle accepted, in bytes; larger answers 413. A bundle is held in memory while it is checked,
    /// as a model is when it predicts.</summary>
    [Range(1024, 2_000_000_000)]
    public long MaxImportBytes { get; set; } = 512L << 20;
}

/// <summary>Moving a model between installations: a bundle file out, the same file in as the next version of its
/// name.</summary>
public static partial class ModelBundleApi
{
    public static RouteGroupBuilder MapModelBundleApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/models").WithTags("Models");
        group.MapGet("/{id:guid}/bundle", ExportAsync).WithName("ExportModelBundle")
            .WithSummary("Download a model as one bundle file, to import on another installation")
            .WithDescription("One file with the stored model (networks and fitted preprocessing), its metadata (name, version, " +
                "task, target, threshold, metrics, training history, training options, the profiles of the columns it was " +
                "trained on) and a SHA-256 over all of it. The format is described in the README (Moving a model between installations).")
            .DocumentsBundleDownload()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Read);
        group.MapPost("/import", ImportAsync).WithName("ImportModelBundle")
            .WithSummary("Import a model bundle as the next version of its name")
            .WithDescription("Send the file that GET /api/models/{id}/bundle gave, as an application/octet-stream body or a " +
                "multipart 'file' part. It is stored as the next version of the model's name here and predicts exactly as it did " +
                "where it was exported. A changed, cut-off, empty or foreign file is refused with 400 and nothing is stored.")
            .DocumentsBundleUpload()
            .DisableAntiforgery()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RequireAuthorization(Policies.Train);
        return group;
    }

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(Guid id, DefectDbContext db,
        TimeProvider clock, CancellationToken ct)
    {
        var model = await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (model is null) return NotFoundProblems.Model(id);
        var request = await db.TrainingJobs.AsNoTracking().Where(j => j.Id == model.JobId).Select(j => j.RequestJson)
            .FirstOrDefaultAsync(ct);
        var dataset = await db.Datasets.AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == model.DatasetId && d.Status == DatasetStatus.Ready, ct);
        var bundle = ModelBundles.Export(model, request, dataset, clock.GetUtcNow().UtcDateTime);
        return TypedResults.File(bundle, "application/octet-stream", ModelBundles.FileName(model));
    }

    static async Task<Results<Created<ModelResponse>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, ClaimsPrincipal caller, DefectDbContext db, IOptions<BundleOptions> options, TimeProvider clock,
        ILoggerFactory logs, CancellationToken ct)
    {
        var (file, unreadable) = await ReadBundleAsync(request, options.Value.MaxImportBytes, ct);
        if (unreadable is not null) return unreadable;
        ModelBundles.Opened bundle;
        try { bundle = ModelBundles.Open(file!); }
        catch (BundleFormatException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: e.Title, detail: e.Message);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var model = await StoreAsync(db, bundle, caller, clock, ct);
                var source = bundle.Manifest.Model;
                LogImported(logs.CreateLogger(typeof(ModelBundleApi)), model.Id, model.Name, model.Version, source.Id, source.Version);
                return TypedResults.Created($"/api/models/{model.Id}", model.ToResponse(bundle.Artifact));
            }
            catch (Exception e) when (DatabaseErrors.IsUniqueViolation(e) && attempt < 10)
            {
                // A model of the same name was stored at the same moment (training, another import, another replica)
                // and took the version number: forget the refused row, read the latest version again, take the next.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Versions are numbered per name on each installation, as training numbers them: the imported model is
    /// the next one here, whatever version it had where it was exported.</summary>
    static async Task<Model> StoreAsync(DefectDbContext db, ModelBundles.Opened bundle, ClaimsPrincipal caller, TimeProvider clock,
        CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var name = bundle.Manifest.Model.Name;
        var version = (await db.Models.Where(m => m.Name == name).MaxAsync(m => (int?)m.Version, ct) ?? 0) + 1;
        var model = bundle.ToModel(version, clock.GetUtcNow().UtcDateTime);
        db.Models.Add(model);
        var source = bundle.Manifest.Model;
        db.Record(caller, clock, AuditActions.ModelImport, AuditTrail.ModelTarget(model.Id),
            $"Imported {name} v{version} from a bundle of model {source.Id} v{source.Version}.");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return model;
    }

    /// <summary>The bundle's bytes from an application/octet-stream body or a multipart 'file' part, within the
    /// configured limit (413 past it), or the problem that says how to send it.</summary>
    static async Task<(byte[]? File, ProblemHttpResult? Problem)> ReadBundleAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        // The configured limit is enforced while reading (413 problem), not Kestrel's fixed 30 MB.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = null;
        var tooLarge = $"The bundle is larger than the limit of {limit} bytes (Bundles:MaxImportBytes). Raise the limit on this " +
            "installation to import it.";
        if (request.ContentLength > limit) throw new PayloadTooLargeException(tooLarge);
        var body = new LengthLimitedStream(request.Body, limit, tooLarge);

        if (UploadRequestReader.IsMultipart(request, out var boundary))
        {
            request.Body = body;
            byte[]? file = null;
            var found = await UploadRequestReader.ReadMultipartAsync(request, boundary, new UploadRequestReader.Fields(),
                async part => file = await ReadAllAsync(part, null, ct), ct);
            return found && file is not null ? (file, null) : (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: "No file in the upload", detail: "The multipart body has no 'file' part. Send the bundle as a file field " +
                "named 'file'."));
        }
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) &&
            type.MediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            return (await ReadAllAsync(body, request.ContentLength, ct), null);
        return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
            detail: $"Content-Type '{request.ContentType}' is not accepted. Send the bundle file as an application/octet-stream body " +
                "(curl --data-binary @model.dabundle -H 'Content-Type: application/octet-stream') or as a multipart/form-data " +
                "'file' part."));
    }

    static async Task<byte[]> ReadAllAsync(Stream source, long? declaredLength, CancellationToken ct)
    {
        using var copy = new MemoryStream((int)Math.Clamp(declaredLength ?? 0, 0, 64L << 20));
        await source.CopyToAsync(copy, ct);
        return copy.ToArray();
    }

    /// <summary>Where an imported model came from: its id and version on the installation that exported it.</summary>
    [LoggerMessage(LogLevel.Information, "Imported model {ModelId} ({ModelName} v{ModelVersion}) from a bundle of model " +
        "{SourceModelId} v{SourceVersion}")]
    static partial void LogImported(ILogger logger, Guid modelId, string modelName, int modelVersion, Guid sourceModelId,
        int sourceVersion);
}
