using System.Reflection;

namespace DefectApi.Hosting;

/// <summary>Every configuration section the service binds to an options class, found by reflection: each class that
/// declares a <c>public const string SectionName</c>. The catalogue is what the start-up spelling check and the
/// documentation test read, so a new options class is covered by both without being listed anywhere.</summary>
public static class SettingsCatalog
{
    public sealed record Section(string Name, Type Options)
    {
        /// <summary>The settable public properties, by configuration key (the property name).</summary>
        public IReadOnlyList<PropertyInfo> Settings { get; } = Options
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic)
            .OrderBy(p => p.MetadataToken)
            .ToArray();
    }

    public static IReadOnlyList<Section> Sections { get; } = typeof(SettingsCatalog).Assembly.GetTypes()
        .Select(type => (type, field: type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
        .Where(t =>
            t.field is { IsLiteral: true } && t.field.FieldType == typeof(string) && t.type.GetConstructor(Type.EmptyTypes) is not null)
        .Select(t => new Section((string)t.field!.GetRawConstantValue()!, t.type))
        .OrderBy(s => s.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>The setting's name closest to a key that matches none (case-insensitive edit distance), when it is
    /// close enough to be a slip of the keyboard: at most a third of the key's length, and at most 4 edits.</summary>
    public static string? Nearest(string key, IEnumerable<string> names)
    {
        var best = names.Select(n => (Name: n, Distance: EditDistance(key.ToLowerInvariant(), n.ToLowerInvariant())))
            .OrderBy(c => c.Distance).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Min(4, Math.Max(1, key.Length / 3)) ? best.Name : null;
    }

    /// <summary>Levenshtein distance (insertions, deletions and substitutions each cost 1), one row at a time.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}

/// <summary>Warns at start about each key in a known section that no setting reads (a misspelling such as
/// <c>Training__MaxConcurentJobs</c> would otherwise be ignored in silence), naming the nearest real key.</summary>
internal sealed partial class SettingsSpellCheck(IConfiguration configuration, ILogger<SettingsSpellCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (key, suggestion) in UnknownKeys(configuration)) LogUnknown(key, suggestion);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Each unread key of a known section, with what it probably meant to be (or the section's keys).</summary>
    public static IEnumerable<(string Key, string Suggestion)> UnknownKeys(IConfiguration configuration)
    {
        foreach (var section in SettingsCatalog.Sections)
        {
            var names = section.Settings.Select(s => s.Name).ToArray();
            foreach (var child in configuration.GetSection(section.Name).GetChildren())
            {
                if (names.Contains(child.Key, StringComparer.OrdinalIgnoreCase)) continue;
                var nearest = SettingsCatalog.Nearest(child.Key, names);
                yield return (child.Path, nearest is not null
                    ? $"did you mean {section.Name}:{nearest}?"
                    : $"the settings of {section.Name} are {string.Join(", ", names)}.");
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "The setting {Key} is not one the service reads and is ignored: {Suggestion} (README: Configuration)")]
    partial void LogUnknown(string key, string suggestion);
}
