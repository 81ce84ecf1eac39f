namespace DefectApi.Security;

/// <summary>The headers that tell a browser how little it may do with an answer of this service: no sniffing of
/// content types, no framing (clickjacking), no referrer sent elsewhere, and a Content-Security-Policy per kind of
/// answer (OWASP Secure Headers and REST Security cheat sheets).</summary>
public static class SecurityHeaders
{
    /// <summary>API answers are data, never a page: nothing in them may load or run, even if a browser opens one.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>The dashboard loads only its own scripts and styles (no inline code) and talks only to this service;
    /// its charts are inline SVG and its bars are sized through the CSSOM, which style-src does not restrict.</summary>
    public const string DashboardPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>Swagger UI as Swashbuckle serves it: its configuration is in index.js, not inline, and its icons are
    /// data: SVGs. Its one inline style is the logo's &lt;style&gt; element in swagger-ui-standalone-preset.js, allowed
    /// by its hash rather than by 'unsafe-inline' (a test recomputes the hash from the served file, so an upgrade that
    /// changes it fails there). "Try it out" calls this service only; binary answers download as blob: URLs.</summary>
    public const string SwaggerPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; " +
        "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>Registers the headers on every answer, errors included: set when the answer starts, so neither the
    /// exception handler (which clears headers) nor a short-circuiting middleware can drop them.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            http.Response.OnStarting(static state =>
            {
                var response = ((HttpContext)state).Response;
                var headers = response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = PolicyFor(response.HttpContext.Request.Path);
                return Task.CompletedTask;
            }, http);
            return next(http);
        });
        return app;
    }

    static string PolicyFor(PathString path)
    {
        if (path.StartsWithSegments("/swagger")) return SwaggerPolicy;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/health")
            || path.StartsWithSegments("/metrics"))
            return ApiPolicy;
        return DashboardPolicy;
    }
}
