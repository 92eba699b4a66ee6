namespace Stampede.Tests.Deploy;

/// <summary>The clone the tests run from: deploy/ and examples/ are read from it.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Stampede.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Stampede.sln) was not found above the test's folder.");
    }
}
