using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Stampede.Tool.Running;

/// <summary>Runs a built scenario in this process, as its own app would run: its entry point with the given arguments.</summary>
internal static class ScenarioRunner
{
    /// <summary>Loads <paramref name="build"/>'s assembly and runs its entry point with <paramref name="args"/>.</summary>
    /// <returns>The entry point's exit code: what it returned, or <see cref="Environment.ExitCode"/> when it returns nothing.</returns>
    /// <remarks>
    /// An exception the scenario does not catch leaves this method as it would leave the scenario's own Main, so the
    /// process ends as that app would end. As for <c>dotnet run FILE.cs</c>, <c>AppContext.GetData("EntryPointFilePath")</c>
    /// and <c>"EntryPointFileDirectoryPath"</c> give the scenario's file and folder.
    /// </remarks>
    public static async Task<int> RunAsync(ScenarioBuild build, ScenarioSource source, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(source);
        var context = new ScenarioLoadContext(build.AssemblyPath, ScenarioReferences.ForThisProcess().HostAssemblies, build.Kind == ScenarioBuildKind.Project);
        Assembly assembly = context.LoadFromAssemblyPath(build.AssemblyPath);
        MethodInfo entry = assembly.EntryPoint
            ?? throw new ScenarioFileException($"{source.DisplayPath} has no entry point; give it top-level statements such as `return await StampedeApp.RunAsync(args, typeof(MyUser));`.");
        AppContext.SetData("EntryPointFilePath", source.FullPath);
        AppContext.SetData("EntryPointFileDirectoryPath", Path.GetDirectoryName(source.FullPath));
        // The scenario's --help names the command the user typed, not this executable.
        AppContext.SetData(Stampede.Cli.UsageName.AppContextKey, $"stampede run {source.DisplayPath}");

        MethodInfo method = AsyncBody(entry) ?? entry;
        object? returned;
        try
        {
            returned = method.Invoke(null, method.GetParameters().Length == 0 ? null : [args.ToArray()]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }

        switch (returned)
        {
            case Task<int> withCode:
                return await withCode.ConfigureAwait(false);
            case Task task:
                await task.ConfigureAwait(false);
                return Environment.ExitCode;
            case int code:
                return code;
            default:
                return Environment.ExitCode;
        }
    }

    /// <summary>
    /// The async method behind a compiler-made entry point: an async Main (or async top-level statements, <c>&lt;Main&gt;$</c>)
    /// gets a synchronous <c>&lt;Main&gt;</c> that blocks on it; awaiting the body itself keeps a thread free.
    /// </summary>
    private static MethodInfo? AsyncBody(MethodInfo entry)
    {
        if (entry.Name != "<Main>" || entry.DeclaringType is not { } type)
        {
            return null;
        }

        return type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .FirstOrDefault(m => m.Name is "<Main>$" or "Main" && typeof(Task).IsAssignableFrom(m.ReturnType)
                && m.GetParameters().Length == entry.GetParameters().Length);
    }
}
