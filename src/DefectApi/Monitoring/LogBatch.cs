using DefectApi.Data;
using DefectApi.Registry;
using DefectApi.Tabular;
using DefectApi.Tabular.Frames;
using DefectApi.Tabular.Inference;
using DefectApi.Tabular.Monitoring;

namespace DefectApi.Monitoring;

/// <summary>What a deployment needs known when its answers are written: its challenger and its declared keys.</summary>
internal sealed record DeploymentLogging(Guid? ShadowModelId, IReadOnlyList<string> KeyColumns);

/// <summary>
/// One flush of queued answers turned into rows, segments and rollup counts: each line is read once, its inputs
/// counted on the answering model's training bins, its declared keys hashed, and the deployment's shadow model scores
/// the same records so that its answer lands on the same row.
/// </summary>
internal sealed class LogBatch
{
    public List<LoggedAnswer> Rows { get; } = [];
    public List<AnsweredRow> Answered { get; } = [];
    public Dictionary<long, LogSegment> Segments { get; } = [];
    public Dictionary<RollupKey, RollupCounts> Rollups { get; } = [];
    public List<long> KeyHashes { get; } = [];
    /// <summary>The batch's answers by declared key hash, so that a waiting outcome finds its part without a scan.</summary>
    public Dictionary<long, List<AnsweredRow>> ByKeyHash { get; } = [];
    public Dictionary<Guid, AnsweredRow> ById { get; } = [];

    /// <summary>About what the rows add to the database: each line, its id and scores (a few dozen bytes), the row.</summary>
    public long EstimatedBytes => Rows.Sum(r => r.Line.Length + 48L + Data.PostgresSizeLimit.RowOverhead);

    public async Task AddAsync(LogStream stream, List<QueuedEntry> entries, DeploymentLogging? deployment, ModelCache models,
        Action<Exception> shadowFailed, CancellationToken ct)
    {
        var champion = (await models.GetAsync(stream.ModelId, ct))?.Artifact;
        ModelArtifact? shadow = null;
        if (deployment?.ShadowModelId is { } shadowId) shadow = (await models.GetAsync(shadowId, ct))?.Artifact;
        var segment = LogSegments.Create(stream.Deployment, stream.ModelId, shadow is null ? null : deployment!.ShadowModelId,
            stream.Columns);
        Segments.TryAdd(segment.Id, segment);

        var lines = entries.Select(e => e.Line).ToArray();
        var fields = lines.Select(line =>
        {
            var split = new List<string?>(stream.Columns.Count);
            LogLineReader.Split(line, split);
            return split;
        }).ToArray();
        LoggedScore?[]? shadowAnswers = null;
        var shadowLayout = shadow is null ? null : new RecordLayout(shadow, stream.Columns);
        if (shadow is not null)
        {
            try { shadowAnswers = shadowLayout!.Score(fields); }
            catch (Exception e) { shadowFailed(e); }
        }
        var championLayout = champion is null ? null : new RecordLayout(champion, stream.Columns);
        var keySlots = (deployment?.KeyColumns ?? []).Take(PredictionKeys.MaxColumns)
            .Select(k => (Column: k, At: IndexOf(stream.Columns, k))).ToArray();

        var keyHashes = new long[PredictionKeys.MaxColumns];
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var row = new LoggedAnswer
            {
                PredictionId = entry.PredictionId.ToArray(), SegmentId = segment.Id, Line = lines[i],
                Score = double.IsFinite(entry.Score) ? entry.Score : null,
                Label = entry.Label >= 0 && champion?.Classes is { } classes && entry.Label < classes.Count ? classes[entry.Label] : null,
            };
            Array.Clear(keyHashes);
            for (int s = 0; s < keySlots.Length; s++)
            {
                if (keySlots[s].At < 0 || keySlots[s].At >= fields[i].Count
                    || KeyText.Normal(fields[i][keySlots[s].At]) is not { } key) continue;
                long hash = PredictionKeys.Hash(stream.Deployment, keySlots[s].Column, key);
                KeyHashes.Add(hash);
                keyHashes[s] = hash;
                if (s == 0) row.Key1 = hash; else if (s == 1) row.Key2 = hash; else row.Key3 = hash;
            }
            long hour = PredictionIds.Hour(row.PredictionId);
            if (champion is not null)
                Rollup(new RollupKey(stream.Deployment, hour, stream.ModelId, false), champion)
                    .AddAnswer(championLayout!.Cells(fields[i]), entry.Score, row.Label);
            if (shadowAnswers?[i] is { } answer)
            {
                row.ShadowScore = double.IsFinite(answer.Score) ? answer.Score : null;
                row.ShadowLabel = answer.Label >= 0 ? shadow!.Classes![answer.Label] : null;
                Rollup(new RollupKey(stream.Deployment, hour, deployment!.ShadowModelId!.Value, true), shadow!)
                    .AddAnswer(shadowLayout!.Cells(fields[i]), answer.Score, row.ShadowLabel);
            }
            Rows.Add(row);
            var answered = new AnsweredRow(row.PredictionId, segment, row.Line, row.Score, row.Label, row.ShadowScore, row.ShadowLabel);
            Answered.Add(answered);
            ById[entry.Id] = answered;
            foreach (long hash in keyHashes)
                if (hash != 0)
                {
                    if (!ByKeyHash.TryGetValue(hash, out var same)) ByKeyHash[hash] = same = [];
                    same.Add(answered);
                }
        }
    }

    /// <summary>Writes the batch inside the caller's transaction: segments, rows, the outcomes that waited for these
    /// answers, and everything they add to the rollups.</summary>
    public async Task StoreAsync(MonitoringSql sql, OutcomeJoins joins, CancellationToken ct)
    {
        await PredictionLogStore.AddSegmentsAsync(sql, Segments.Values, ct);
        await PredictionLogStore.AppendAsync(sql, Rows, ct);
        if (await OutcomeJoins.AnyPendingAsync(sql, ct))
        {
            var pending = await OutcomeJoins.PendingForAsync(sql, Rows.Select(r => r.PredictionId).ToList(), KeyHashes, ct);
            foreach (var outcome in pending)
                if (OutcomeJoins.Match(outcome, ById, ByKeyHash) is { } row) await joins.JoinAsync(sql, outcome, row, Rollups, ct);
        }
        await PredictionLogStore.AddToRollupsAsync(sql, Rollups, ct);
    }

    RollupCounts Rollup(RollupKey key, ModelArtifact model)
    {
        if (!Rollups.TryGetValue(key, out var counts)) Rollups[key] = counts = RollupCounts.For(model);
        return counts;
    }

    static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++) if (columns[i] == name) return i;
        return -1;
    }
}

/// <summary>Where a model's inputs sit among a stream's columns, and how its fields read as the model's cells.</summary>
internal sealed class RecordLayout
{
    readonly ModelArtifact _model;
    readonly int[] _columnOfInput;
    readonly bool[] _numeric;
    readonly CellValue[] _cells;

    public RecordLayout(ModelArtifact model, IReadOnlyList<string> columns)
    {
        _model = model;
        var at = columns.Select((name, i) => (name, i)).GroupBy(c => c.name)
            .ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        _columnOfInput = model.Inputs.Select(input => at.GetValueOrDefault(input.Name, -1)).ToArray();
        _numeric = model.Inputs.Select(input => input.Type == "numeric").ToArray();
        _cells = new CellValue[model.Inputs.Count];
    }

    /// <summary>The record's cells in the model's input order (missing where the record lacks the column); the span
    /// is reused by the next call.</summary>
    public ReadOnlySpan<CellValue> Cells(List<string?> fields)
    {
        for (int i = 0; i < _cells.Length; i++)
        {
            int c = _columnOfInput[i];
            _cells[i] = c < 0 || c >= fields.Count ? CellValue.Missing : LogLineReader.ToCell(fields[c], _numeric[i]);
        }
        return _cells;
    }

    /// <summary>The model's answer to each record; null for a record it cannot score (it may need other columns).</summary>
    public LoggedScore?[] Score(IReadOnlyList<List<string?>> records)
    {
        var answers = new LoggedScore?[records.Count];
        var rows = Enumerable.Range(0, records.Count).ToList();
        for (int attempt = 0; attempt < 2 && rows.Count > 0; attempt++)
        {
            var batch = new RecordBatch(_model.Scorer, rows.Count);
            foreach (int r in rows)
            {
                batch.StartRecord();
                var cells = Cells(records[r]);
                for (int i = 0; i < cells.Length; i++)
                    if (_columnOfInput[i] >= 0) batch.Set(_model.Inputs[i].Name, cells[i]);
            }
            var result = _model.Scorer.Score(batch);
            if (result.Errors.Count == 0)
            {
                for (int i = 0; i < rows.Count; i++) answers[rows[i]] = _model.Scorer.LoggedAnswer(result.Predictions[i]);
                break;
            }
            // Score again without the records it refused (it reports up to its error limit; the rest wait for the next try).
            var refused = result.Errors.Select(e => e.Record).ToHashSet();
            rows = rows.Where((_, i) => !refused.Contains(i)).ToList();
        }
        return answers;
    }
}
