using System.Security.Cryptography;
using System.Text.RegularExpressions;
using DefectApi.Security;

namespace DefectApi.Tests.Security;

public sealed class SecurityHeadersTests : IDisposable
{
    readonly ApiFactory _factory = new();
    readonly HttpClient _client;

    public SecurityHeadersTests() => _client = _factory.CreateClient();

    public void Dispose() => _factory.Dispose();

    static void AssertBrowserHardening(HttpResponseMessage response, string policy)
    {
        var what = $"{response.RequestMessage?.RequestUri?.PathAndQuery} ({(int)response.StatusCode})";
        Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var sniff), what);
        Assert.Equal("nosniff", Assert.Single(sniff));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(policy, csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
    }

    [Fact]
    public async Task TheDashboardAndItsScriptsCarryThePagePolicy()
    {
        var page = await _client.GetAsync("/");
        var script = await _client.GetAsync("/js/app.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        AssertBrowserHardening(page, SecurityHeaders.DashboardPolicy);
        AssertBrowserHardening(script, SecurityHeaders.DashboardPolicy);
        // The page's own markup must not need what the policy refuses: no inline script or style, no style attributes.
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(new Regex("<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex("<style|\\sstyle=|\\son[a-z]+=", RegexOptions.IgnoreCase), html);
    }

    [Fact]
    public async Task SwaggerUiCarriesAPolicyThatAllowsExactlyItsOwnInlineStyle()
    {
        var page = await _client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        AssertBrowserHardening(page, SecurityHeaders.SwaggerPolicy);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(new Regex("<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase), html);
        // Every <style> element Swagger UI's scripts create must be allowed by a hash in the policy, or a browser drops
        // it; recomputed from the files actually served, so a Swashbuckle upgrade that changes one fails here.
        var inlineStyles = new List<string>();
        foreach (var script in Regex.Matches(html, "<script src=\"([^\"]+)\"").Select(m => m.Groups[1].Value))
        {
            var response = await _client.GetAsync("/swagger/" + script.TrimStart('.', '/'));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertBrowserHardening(response, SecurityHeaders.SwaggerPolicy);
            var code = await response.Content.ReadAsStringAsync();
            inlineStyles.AddRange(Regex.Matches(code, "createElement\\(\"style\",null,\"([^\"]*)\"\\)").Select(m => m.Groups[1].Value));
        }
        Assert.NotEmpty(inlineStyles);
        foreach (var style in inlineStyles)
            Assert.Contains($"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)))}'",
                SecurityHeaders.SwaggerPolicy);
    }

    [Fact]
    public async Task ApiAnswersCarryTheDataOnlyPolicy()
    {
        var response = await _client.GetAsync("/api/datasets");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertBrowserHardening(response, SecurityHeaders.ApiPolicy);
        Assert.StartsWith("default-src 'none'", SecurityHeaders.ApiPolicy);
    }

    [Fact]
    public async Task ErrorAnswersCarryTheHeadersToo()
    {
        var notFound = await _client.GetAsync($"/api/datasets/{Guid.NewGuid()}");
        // Thrown, caught by the exception handler, which clears the answer's headers before writing the problem.
        var unreadable = await _client.PostAsync("/api/training-jobs", ApiClient.Json("{bad"));
        var noRoute = await _client.GetAsync("/api/nothing-here");

        await notFound.AssertProblemAsync(HttpStatusCode.NotFound);
        await unreadable.AssertProblemAsync(HttpStatusCode.BadRequest);
        await noRoute.AssertProblemAsync(HttpStatusCode.NotFound);
        foreach (var response in new[] { notFound, unreadable, noRoute }) AssertBrowserHardening(response, SecurityHeaders.ApiPolicy);
    }
}
