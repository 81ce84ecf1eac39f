using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using DefectApi.Audit;
using DefectApi.Data;
using DefectApi.Http;
using DefectApi.OpenApi;
using DefectApi.Security;
using DefectApi.Tabular;
using DefectApi.Tabular.Frames;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DefectApi.Datasets;

public static class DatasetsApi
{
    public static RouteGroupBuilder MapDatasetsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/datasets").WithTags("Datasets");

        group.MapPost("/", UploadAsync).WithName("UploadDataset")
            .WithSummary("Upload a CSV dataset")
            .WithDescription("multipart/form-data with a 'file' part (and optional 'name', 'delimiter', 'decimalSeparator' fields), " +
                "or a raw text/csv body with ?name=. The dialect (delimiter, decimal comma, encoding) is detected unless given. " +
                "Uploading the same bytes again returns the existing dataset with 200.")
            .DocumentsCsvUpload()
            .DisableAntiforgery()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RequireAuthorization(Policies.Train);

        group.MapGet("/", ListAsync).WithName("ListDatasets").WithSummary("List datasets, newest first, page by page")
            .WithDescription("Summaries (no column profiles: GET /api/datasets/{id} has the schema), offset (0 or more) and " +
                "limit (1 to 1000), with the total and the next page's link.")
            .WithValidationTitle("Invalid paging")
            .ProducesValidationProblem()
            .RequireAuthorization(Policies.Train);

        group.MapGet("/{id:guid}", GetAsync).WithName("GetDataset").WithSummary("Get a dataset with its full schema")
            .WithDescription("The dataset's size, checksum, detected dialect, and per column its inferred type and statistics.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Train);

        group.MapGet("/{id:guid}/rows", GetRowsAsync).WithName("GetDatasetRows").WithSummary("Preview a dataset's rows, page by page")
            .WithValidationTitle("Invalid paging")
            .WithDescription("Rows from offset (0 or more), at most limit (1 to 1000) of them; each row lists its cells in the " +
                "order of 'columns'.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Train);

        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteDataset")
            .WithSummary("Delete a dataset (409 while a queued or running job uses it)")
            .WithDescription("Deletes the dataset and its rows. Models trained on it keep working.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(Policies.Admin);

        return group;
    }

    static async Task<Results<Created<DatasetResponse>, Ok<DatasetResponse>, ValidationProblem, ProblemHttpResult>> UploadAsync(
        HttpRequest request, DatasetStore store, ClaimsPrincipal caller, TimeProvider clock, string? name, string? delimiter,
            string? decimalSeparator,
        CancellationToken ct)
    {
        // The configured upload limit is enforced while streaming (413 problem), not by Kestrel's fixed 30 MB.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = null;

        var fields = new UploadRequestReader.Fields { Name = name, Delimiter = delimiter, DecimalSeparator = decimalSeparator };
        DatasetStore.Staged? staged = null;
        try
        {
            if (UploadRequestReader.IsMultipart(request, out var boundary))
            {
                var found = await UploadRequestReader.ReadMultipartAsync(request, boundary, fields, async body =>
                {
                    var (delim, dec) = UploadDialect.Parse(fields.Delimiter, fields.DecimalSeparator);
                    staged = await store.StageAsync(body, delim, dec, ct);
                }, ct);
                if (!found || staged is null)
                    return TypedResults.ValidationProblem(
                        new Dictionary<string, string[]>
                        {
                            ["file"] = ["The multipart body has no 'file' part. Send the CSV as a " +
                            "file field named 'file'."]
                        },
                        title: "No file in the upload");
            }
            else if (UploadRequestReader.IsCsv(request))
            {
                var (delim, dec) = UploadDialect.Parse(fields.Delimiter, fields.DecimalSeparator);
                staged = await store.StageAsync(request.Body, delim, dec, ct);
            }
            else
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                    detail: $"Content-Type '{request.ContentType}' is not accepted. Send multipart/form-data with a 'file' part, " +
                        "or a text/csv body.");
            }

            var chosen = UploadDialect.ChooseName(fields);
            var ingested = staged.Ingested;
            var audit = AuditTrail.Entry(caller, clock, AuditActions.DatasetUpload, AuditTrail.DatasetTarget(staged.Id),
                $"Uploaded '{chosen}': {ingested.RowCount} rows, {ingested.Columns.Count} columns, {ingested.SizeBytes} bytes, " +
                    $"SHA-256 {ingested.Sha256}.");
            var (dataset, created) = await store.PublishAsync(staged, chosen, audit, ct);
            staged = null;
            var response = dataset.ToResponse();
            return created ? TypedResults.Created($"/api/datasets/{dataset.Id}", response) : TypedResults.Ok(response);
        }
        catch (UploadDialect.InvalidOptionsException invalid)
        {
            return TypedResults.ValidationProblem(invalid.Errors, title: "Invalid upload options");
        }
        finally
        {
            // Staged but never published (a later part of the request failed): leave no trace.
            if (staged is not null) await store.DiscardAsync(staged.Id);
        }
    }

    static async Task<Results<Ok<DatasetList>, ValidationProblem>> ListAsync(DefectDbContext db, CancellationToken ct,
        [Range(0, int.MaxValue, ErrorMessage = "offset must be 0 or more.")] int offset = 0,
        [Range(1, 1000, ErrorMessage = "limit must be between 1 and 1000.")] int limit = 50)
    {
        var ready = db.Datasets.AsNoTracking().Where(d => d.Status == DatasetStatus.Ready);
        var total = await ready.LongCountAsync(ct);
        var page = await ready.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Skip(offset).Take(limit)
            .ToSummaries().ToListAsync(ct);
        var next = offset + page.Count < total ? $"/api/datasets?offset={offset + page.Count}&limit={limit}" : null;
        return TypedResults.Ok(new DatasetList(page, total, offset, limit, next));
    }

    static async Task<Results<Ok<DatasetResponse>, ProblemHttpResult>> GetAsync(Guid id, DefectDbContext db, CancellationToken ct)
    {
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id && d.Status == DatasetStatus.Ready, ct);
        return dataset is null ? NotFoundProblems.Dataset(id) : TypedResults.Ok(dataset.ToResponse());
    }

    static async Task<Results<Ok<DatasetRows>, ValidationProblem, ProblemHttpResult>> GetRowsAsync(
        Guid id, DefectDbContext db, CancellationToken ct,
        [Range(0, int.MaxValue, ErrorMessage = "offset must be 0 or more.")] int offset = 0,
        [Range(1, 1000, ErrorMessage = "limit must be between 1 and 1000.")] int limit = 50)
    {
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id && d.Status == DatasetStatus.Ready, ct);
        if (dataset is null) return NotFoundProblems.Dataset(id);
        var schema = dataset.ReadColumns();
        var columns = schema.Select(c => c.Name).ToList();
        var rows = new List<object?[]>(Math.Min(limit, 1000));
        var sizes = await db.DatasetChunks.AsNoTracking().Where(c => c.DatasetId == id).OrderBy(c => c.Index)
            .Select(c => new { c.Index, c.RowCount }).ToListAsync(ct);
        long start = 0;
        foreach (var chunk in sizes)
        {
            var end = start + chunk.RowCount;
            if (end > offset && rows.Count < limit)
            {
                var data = await db.DatasetChunks.AsNoTracking().Where(c => c.DatasetId == id && c.Index == chunk.Index)
                    .Select(c => c.Data).SingleAsync(ct);
                var decoded = ChunkReader.ReadRows(data, schema);
                for (var r = (int)Math.Max(0, offset - start); r < decoded.Count && rows.Count < limit; r++)
                    rows.Add(decoded[r].Select(DatasetMapping.ToJsonValue).ToArray());
            }
            start = end;
            if (rows.Count >= limit) break;
        }
        return TypedResults.Ok(new DatasetRows(columns, rows, dataset.RowCount, offset, limit));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, ClaimsPrincipal caller, DefectDbContext db,
        IDatasetUsers users, TimeProvider clock, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var dataset = await db.Datasets.Where(d => d.Id == id && d.Status == DatasetStatus.Ready)
            .Select(d => new { d.Name, d.RowCount }).FirstOrDefaultAsync(ct);
        if (dataset is null) return NotFoundProblems.Dataset(id);
        if (await users.AnyAsync(db, id, ct)) return InUse();
        try
        {
            await DatasetStore.DeleteRowsAsync(db, id, ct);
            db.Record(caller, clock, AuditActions.DatasetDelete, AuditTrail.DatasetTarget(id),
                $"Deleted the dataset '{dataset.Name}' ({dataset.RowCount} rows).");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (Exception e) when (DatabaseErrors.IsCheckViolation(e) || DatabaseErrors.IsForeignKeyViolation(e))
        {
            // A job was queued on the dataset after the check above (through another replica, say): the database
            // refused to leave a queued job without its data.
            return InUse();
        }
        return TypedResults.NoContent();
    }

    static ProblemHttpResult InUse() => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Dataset in use",
        detail: "A queued or running training job uses this dataset. Cancel the job or wait for it to finish, then delete.");

}
