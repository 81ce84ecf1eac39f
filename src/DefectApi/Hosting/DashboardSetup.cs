using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace DefectApi.Hosting;

/// <summary>The dashboard at <c>/</c>: static files, no second server and no build step.</summary>
public static class DashboardSetup
{
    /// <summary>The files are copied beside the app at build and publish (see DefectApi.csproj) and served from there,
    /// for the same reason as appsettings.json: <c>dotnet run</c> from any folder, the published app and the container
    /// then serve the same page, whatever the working directory.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    // The page loads only its own scripts and styles and talks only to this service.
    const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static WebApplication UseDashboard(this WebApplication app)
    {
        if (!Directory.Exists(Folder))
        {
            app.Logger.LogWarning("No dashboard files at {Folder}; the API is served without the dashboard", Folder);
            return app;
        }
        var files = new PhysicalFileProvider(Folder);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                // Revalidate every time (cheap with the ETag): an upgraded service never runs with yesterday's scripts.
                headers[HeaderNames.CacheControl] = "no-cache";
                headers.XContentTypeOptions = "nosniff";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers["Referrer-Policy"] = "no-referrer";
            },
        });
        return app;
    }
}
