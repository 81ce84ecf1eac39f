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
                // Revalidate every time (cheap with the ETag): an upgraded service never runs with yesterday's scripts.
                // The security headers, the page's Content-Security-Policy among them, come from Security/SecurityHeaders.cs.
                context.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache";
            },
        });
        return app;
    }
}
