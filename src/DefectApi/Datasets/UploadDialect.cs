namespace DefectApi.Datasets;

/// <summary>The caller's optional overrides of dialect detection, and the dataset's name.</summary>
internal static class UploadDialect
{
    public sealed class InvalidOptionsException(Dictionary<string, string[]> errors) : Exception("Invalid upload options")
    {
        public Dictionary<string, string[]> Errors { get; } = errors;
    }

    public static (char? Delimiter, char? DecimalSeparator) Parse(string? delimiter, string? decimalSeparator)
    {
        var errors = new Dictionary<string, string[]>();
        char? delim = delimiter switch
        {
            null or "" => null,
            "," or "comma" => ',',
            ";" or "semicolon" => ';',
            "\t" or "tab" or "\\t" => '\t',
            "|" or "pipe" => '|',
            _ => Invalid(errors, "delimiter", $"'{delimiter}' is not a supported delimiter. Use one of , ; | tab (or leave it " +
                "out to detect it)."),
        };
        char? dec = decimalSeparator switch
        {
            null or "" => null,
            "." or "dot" => '.',
            "," or "comma" => ',',
            _ => Invalid(errors, "decimalSeparator", $"'{decimalSeparator}' is not a decimal separator. Use . or , (or leave it " +
                "out to detect it)."),
        };
        if (delim == ',' && dec == ',')
            errors["decimalSeparator"] = ["The decimal separator cannot be the delimiter. With ',' decimals use ';' or tab as delimiter."];
        if (errors.Count > 0) throw new InvalidOptionsException(errors);
        return (delim, dec);
    }

    static char? Invalid(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return null;
    }

    /// <summary>The given name, else the uploaded file's name without extension, else one stamped with the time.
    /// A given name with control characters (a header-injection attempt, a pasted newline) or over 200 characters is
    /// refused rather than silently changed.</summary>
    public static string ChooseName(UploadRequestReader.Fields fields)
    {
        if (fields.Name is { } given && !string.IsNullOrWhiteSpace(given))
        {
            if (given.Length > 200 || given.Any(char.IsControl))
                throw new InvalidOptionsException(new()
                {
                    ["name"] = ["name must be at most 200 characters, without control " +
                    "characters such as line breaks."]
                });
            return given.Trim();
        }
        var name = string.IsNullOrWhiteSpace(fields.FileName) ? "" :
            Path.GetFileNameWithoutExtension(Path.GetFileName(fields.FileName.Replace('\\', '/')));
        name = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name.Length == 0) name = $"dataset-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        return name.Length > 200 ? name[..200] : name;
    }
}
