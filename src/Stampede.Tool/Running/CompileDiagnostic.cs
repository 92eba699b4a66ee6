namespace Stampede.Tool.Running;

/// <summary>One error or warning the compiler reported in a scenario file.</summary>
/// <param name="Path">The file as the user gave it (or as the compiler named it).</param>
/// <param name="Line">1-based line; 0 when the diagnostic has no place in a file.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Severity"><c>error</c> or <c>warning</c>.</param>
/// <param name="Id">The diagnostic id, e.g. <c>CS0103</c>.</param>
/// <param name="Message">The compiler's message.</param>
/// <param name="SourceLine">The text of the offending line, or null when it is not known.</param>
internal sealed record CompileDiagnostic(string Path, int Line, int Column, string Severity, string Id, string Message, string? SourceLine)
{
    /// <summary>Whether this is an error (the scenario cannot run) rather than a warning.</summary>
    public bool IsError => Severity == "error";
}
