namespace Stampede.Tool.Tests.Infrastructure;

/// <summary>The checkout the tests run from: the folder above the test binaries that holds Stampede.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Stampede.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Stampede.sln above {AppContext.BaseDirectory}");
    }
}
