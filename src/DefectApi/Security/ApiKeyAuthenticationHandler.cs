using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DefectApi.Security;

/// <summary>Authenticates <c>X-Api-Key</c> against the keys in memory (configured and stored, <see cref="KeyRing"/>):
/// one SHA-256 on the stack and one dictionary lookup, with the key's principal built beforehand. With no keys and none
/// required every caller gets every scope (the open, local-use mode).</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    KeyRing keys, TimeProvider clock, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, new RefusalsAtDebugLoggerFactory(logger), encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string ScopeClaim = "scope";

    static readonly ClaimsPrincipal OpenPrincipal = PrincipalFor(KeyNames.Open, Scopes.All);

    /// <summary>The principal a key's calls run as. Built once per key and shared by its requests: nothing in the
    /// pipeline changes a principal (no claims transformation is registered).</summary>
    internal static ClaimsPrincipal PrincipalFor(string name, IEnumerable<string> scopes)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name) };
        claims.AddRange(scopes.Select(s => new Claim(ScopeClaim, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (keys.IsOpen) return Task.FromResult(Success(OpenPrincipal));
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
            return Task.FromResult(AuthenticateResult.NoResult());
        if (!keys.TryFind(KeyHash.Of(values[0]), out var key)) return Task.FromResult(AuthenticateResult.Fail("Unknown API key"));
        key.MarkUsed(clock.GetUtcNow().UtcTicks);
        return Task.FromResult(Success(key.Principal));
    }

    static AuthenticateResult Success(ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, "API key required",
            $"Send a valid API key in the {HeaderName} header. Ask the operator for one: keys are configured under Auth:ApiKeys or " +
            "created with POST /api/keys, and a first start without any key prints an admin key to the service's log.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Scope missing",
            $"The API key '{Context.User.Identity?.Name}' lacks the scope this call needs. Use a key with the right scope " +
                $"({string.Join(", ", Scopes.All)}).");

    async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized) Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail }
        });
    }
}
