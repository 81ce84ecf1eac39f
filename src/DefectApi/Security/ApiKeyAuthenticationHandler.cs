using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DefectApi.Security;

/// <summary>Authenticates <c>X-Api-Key</c> against the configured SHA-256 hashes in constant time. With no keys
/// configured every caller gets every scope (the open, local-use mode).</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IOptions<AuthOptions> auth, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, new RefusalsAtDebugLoggerFactory(logger), encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string ScopeClaim = "scope";

    readonly (string Name, byte[] Hash, string[] Scopes)[] _keys = auth.Value.ApiKeys
        .Select(k => (k.Name, Convert.FromHexString(k.Hash), k.Scopes.ToArray())).ToArray();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (_keys.Length == 0) return Task.FromResult(Success("open", Scopes.All));
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
            return Task.FromResult(AuthenticateResult.NoResult());
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(values[0]!));
        // Every configured key is compared, match or not, so timing says nothing about which one (if any) matched.
        (string Name, string[] Scopes)? match = null;
        foreach (var key in _keys)
            if (CryptographicOperations.FixedTimeEquals(presented, key.Hash)) match = (key.Name, key.Scopes);
        return Task.FromResult(match is { } m ? Success(m.Name, m.Scopes) : AuthenticateResult.Fail("Unknown API key"));
    }

    AuthenticateResult Success(string name, IEnumerable<string> scopes)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name) };
        claims.AddRange(scopes.Select(s => new Claim(ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, "API key required",
            $"Send a valid API key in the {HeaderName} header. Keys are configured by the operator under Auth:ApiKeys.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Scope missing",
            $"The API key '{Context.User.Identity?.Name}' lacks the scope this call needs. Use a key with the right scope ({string.Join(", ", Scopes.All)}).");

    async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized) Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = { Status = status, Title = title, Detail = detail } });
    }
}
