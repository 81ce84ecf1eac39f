namespace DefectApi.Tests.Shared;

/// <summary>The fixed train/test splits of the real datasets, in the repository's samples/splits.</summary>
public static class SampleSplits
{
    public static string Path(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = System.IO.Path.Combine(dir.FullName, "samples", "splits", file);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"samples/splits/{file} was not found above {AppContext.BaseDirectory}.");
    }
}
