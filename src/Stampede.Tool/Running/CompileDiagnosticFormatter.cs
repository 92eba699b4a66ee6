using System.Text;

namespace Stampede.Tool.Running;

/// <summary>
/// Writes compile errors and warnings as compilers and editors expect them: <c>file:line:col: error CSxxxx: message</c>, then the
/// offending line and a caret under the column.
/// </summary>
internal static class CompileDiagnosticFormatter
{
    /// <summary>The diagnostic, its line and its caret, without a final line break.</summary>
    public static string Format(CompileDiagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        var text = new StringBuilder();
        text.Append(diagnostic.Line > 0 ? $"{diagnostic.Path}:{diagnostic.Line}:{diagnostic.Column}" : diagnostic.Path)
            .Append(": ").Append(diagnostic.Severity).Append(' ').Append(diagnostic.Id).Append(": ").Append(diagnostic.Message);
        if (diagnostic.SourceLine is { } line && diagnostic.Line > 0)
        {
            string shown = line.TrimEnd('\r');
            text.Append('\n').Append(shown).Append('\n');

            // Tabs stay tabs under the line, so the caret lands under the column whatever the terminal's tab width.
            int column = Math.Clamp(diagnostic.Column - 1, 0, shown.Length);
            for (int i = 0; i < column; i++)
            {
                text.Append(shown[i] == '\t' ? '\t' : ' ');
            }

            text.Append('^');
        }

        return text.ToString();
    }
}
