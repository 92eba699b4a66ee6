using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace Stampede.Tool.Running;

/// <summary>
/// Compiles a scenario file in this process with Roslyn, as the SDK compiles a file-based app (top-level statements,
/// <c>#:</c> lines ignored by the parser, implicit usings, nullable on), against <see cref="ScenarioReferences"/>.
/// </summary>
internal static class RoslynScenarioCompiler
{
    /// <summary>The language version the .NET 10 SDK gives a net10.0 app.</summary>
    private const LanguageVersion DefaultLanguageVersion = LanguageVersion.CSharp14;

    /// <summary>Compiles <paramref name="source"/> into <paramref name="assemblyName"/>.</summary>
    /// <returns>The assembly's bytes (with its PDB embedded), or null on errors; and the errors and warnings.</returns>
    public static (byte[]? Image, IReadOnlyList<CompileDiagnostic> Diagnostics) Compile(
        ScenarioSource source, ScenarioPlan plan, ScenarioReferences references, string assemblyName)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(references);
        CSharpParseOptions parseOptions = ParseOptions(plan);
        SourceText text = SourceText.From(source.Text, Encoding.UTF8, SourceHashAlgorithm.Sha256);
        SyntaxTree tree = CSharpSyntaxTree.ParseText(text, parseOptions, source.FullPath);
        var trees = new List<SyntaxTree> { tree };
        if (plan.ImplicitUsings.Count > 0)
        {
            string usings = string.Concat(plan.ImplicitUsings.Select(u => $"global using global::{u};\n"));
            trees.Add(CSharpSyntaxTree.ParseText(SourceText.From(usings, Encoding.UTF8), parseOptions, source.FullPath + ".GlobalUsings.g.cs"));
        }

        IEnumerable<MetadataReference> metadata = references.Framework.Concat(references.Libraries.Select(l => l.Path))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        CSharpCompilation compilation = CSharpCompilation.Create(assemblyName, trees, metadata, CompilationOptions(plan));

        using var image = new MemoryStream();
        EmitResult result = compilation.Emit(image, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded));
        IReadOnlyList<CompileDiagnostic> diagnostics = Describe(result.Diagnostics, source);
        return (result.Success ? image.ToArray() : null, diagnostics);
    }

    private static CSharpParseOptions ParseOptions(ScenarioPlan plan)
    {
        LanguageVersion language = plan.Property("LangVersion") is { } requested && LanguageVersionFacts.TryParse(requested, out LanguageVersion parsed)
            ? parsed
            : DefaultLanguageVersion;

        // The symbols the SDK defines for a net10.0 app in Release.
        var symbols = new List<string> { "TRACE", "RELEASE", "NET", "NET10_0", "NETCOREAPP" };
        symbols.AddRange(Enumerable.Range(5, 6).Select(v => $"NET{v}_0_OR_GREATER"));
        symbols.AddRange(new[] { "1_0", "1_1", "2_0", "2_1", "2_2", "3_0", "3_1" }.Select(v => $"NETCOREAPP{v}_OR_GREATER"));
        if (plan.Property("DefineConstants") is { } defined)
        {
            symbols.AddRange(defined.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        // FileBasedProgram: the parser reads #: lines as directives to ignore, as it does for `dotnet run FILE.cs`.
        return new CSharpParseOptions(language, DocumentationMode.None, SourceCodeKind.Regular, symbols)
            .WithFeatures([new KeyValuePair<string, string>("FileBasedProgram", "true")]);
    }

    private static CSharpCompilationOptions CompilationOptions(ScenarioPlan plan)
    {
        NullableContextOptions nullable = plan.Property("Nullable")?.ToLowerInvariant() switch
        {
            "disable" => NullableContextOptions.Disable,
            "warnings" => NullableContextOptions.Warnings,
            "annotations" => NullableContextOptions.Annotations,
            _ => NullableContextOptions.Enable,
        };
        bool IsTrue(string name) => string.Equals(plan.Property(name), "true", StringComparison.OrdinalIgnoreCase);

        // Release: a load generator's own code should not be the slow part of a run.
        return new CSharpCompilationOptions(
            OutputKind.ConsoleApplication,
            optimizationLevel: OptimizationLevel.Release,
            allowUnsafe: IsTrue("AllowUnsafeBlocks"),
            nullableContextOptions: nullable,
            generalDiagnosticOption: IsTrue("TreatWarningsAsErrors") ? ReportDiagnostic.Error : ReportDiagnostic.Default,
            deterministic: true,
            concurrentBuild: true);
    }

    private static List<CompileDiagnostic> Describe(ImmutableArray<Diagnostic> diagnostics, ScenarioSource source)
    {
        var described = new List<CompileDiagnostic>();
        foreach (Diagnostic diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (diagnostic.Severity is not (DiagnosticSeverity.Error or DiagnosticSeverity.Warning) || diagnostic.IsSuppressed)
            {
                continue;
            }

            string severity = diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning";
            string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
            if (!diagnostic.Location.IsInSource)
            {
                described.Add(new CompileDiagnostic(source.DisplayPath, 0, 0, severity, diagnostic.Id, message, null));
                continue;
            }

            FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
            SourceText text = diagnostic.Location.SourceTree!.GetText();
            int line = span.StartLinePosition.Line;
            string? lineText = line < text.Lines.Count ? text.Lines[line].ToString() : null;
            string path = span.Path == source.FullPath ? source.DisplayPath : span.Path;
            described.Add(new CompileDiagnostic(path, line + 1, span.StartLinePosition.Character + 1, severity, diagnostic.Id, message, lineText));
        }

        return described;
    }
}
