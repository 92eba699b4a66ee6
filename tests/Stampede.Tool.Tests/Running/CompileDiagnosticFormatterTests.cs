using Stampede.Tool.Running;

namespace Stampede.Tool.Tests.Running;

public sealed class CompileDiagnosticFormatterTests
{
    [Fact]
    public void Format_TabIndentedLine_CaretUnderTheColumnWithTheSameTabs()
    {
        var error = new CompileDiagnostic("mine.cs", 4, 9, "error", "CS1002", "; expected", "\t\tint x = 1\r");

        string text = CompileDiagnosticFormatter.Format(error);

        text.ShouldBe("mine.cs:4:9: error CS1002: ; expected\n\t\tint x = 1\n\t\t      ^");
    }

    [Fact]
    public void Format_NoPlaceInTheFile_OnlyTheMessage()
    {
        var error = new CompileDiagnostic("mine.cs", 0, 0, "error", "NU1101", "Unable to find package Nope.", null);

        CompileDiagnosticFormatter.Format(error).ShouldBe("mine.cs: error NU1101: Unable to find package Nope.");
    }
}
