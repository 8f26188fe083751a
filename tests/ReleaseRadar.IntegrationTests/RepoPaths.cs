namespace ReleaseRadar.IntegrationTests;

/// <summary>The repository's root, found from the test binaries' directory, for the CRD, charts, schemas and evidence.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ReleaseRadar.sln")))
                return d.FullName;
        throw new InvalidOperationException("ReleaseRadar.sln not found above " + AppContext.BaseDirectory);
    }
}
