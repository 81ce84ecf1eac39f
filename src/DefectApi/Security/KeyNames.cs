using System.Text.RegularExpressions;

namespace DefectApi.Security;

/// <summary>What a key may be called: its name goes into a route (<c>DELETE /api/keys/{name}</c>) and into every audit
/// entry the key's calls make, so it is short, plain and never one of the names the audit trail uses itself.</summary>
public static partial class KeyNames
{
    public const int MaxLength = 100;
    public const string Rule = "A key name is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. " +
        "\"mes-line3\".";

    /// <summary>The name the audit trail gives callers of a service that runs open (no keys).</summary>
    public const string Open = "open";

    /// <summary>Names that would make the audit trail ambiguous.</summary>
    public static readonly string[] Reserved = [Open, Audit.AuditTrail.ServiceName];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public static bool IsReserved(string name) => Reserved.Contains(name, StringComparer.OrdinalIgnoreCase);
}
