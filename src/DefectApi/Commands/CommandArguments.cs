namespace DefectApi.Commands;

/// <summary>A maintenance command's options: <c>--name value</c> pairs and <c>--flag</c> switches, each known to the
/// command. Anything else is an error the caller reports with the command's usage, so that a mistyped option is never
/// silently ignored (a <c>--froce</c> must not restore without its safety check, nor back up to a default).</summary>
public sealed class CommandArguments
{
    readonly Dictionary<string, string> _values = [];
    readonly HashSet<string> _flags = [];

    /// <summary>Why the arguments cannot be used, or null.</summary>
    public string? Error { get; private init; }

    public string? Value(string option) => _values.GetValueOrDefault(option);

    public string Required(string option, IMaintenanceCommand command) => Value(option)
        ?? throw new CommandException($"{option} is required.\nusage: dotnet DefectApi.dll {command.Name} {command.Usage}",
            CommandException.Usage);

    public bool Flag(string flag) => _flags.Contains(flag);

    public static CommandArguments Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> options, IReadOnlyCollection<string> flags)
    {
        var parsed = new CommandArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (flags.Contains(arg))
                parsed._flags.Add(arg);
            else if (!options.Contains(arg))
                return new CommandArguments { Error = $"Unknown argument '{arg}'." };
            else if (i + 1 >= args.Count || string.IsNullOrWhiteSpace(args[i + 1]))
                return new CommandArguments { Error = $"{arg} needs a value." };
            else if (!parsed._values.TryAdd(arg, args[++i]))
                return new CommandArguments { Error = $"{arg} is given twice." };
        }
        return parsed;
    }
}
