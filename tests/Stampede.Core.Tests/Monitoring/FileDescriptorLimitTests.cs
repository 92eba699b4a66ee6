using Stampede.Monitoring;

namespace Stampede.Core.Tests.Monitoring;

public sealed class FileDescriptorLimitTests
{
    private const string Limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max cpu time              unlimited            unlimited            seconds
        Max processes             95864                95864                processes
        Max open files            20000                20000                files
        Max locked memory         8388608              8388608              bytes
        """;

    [Fact]
    public void Parse_ProcSelfLimits_ReadsTheSoftLimitOfOpenFiles() =>
        FileDescriptorLimit.Parse(Limits).ShouldBe(20000);

    [Theory]
    [InlineData("Max open files            unlimited            unlimited            files")]
    [InlineData("Max processes             95864                95864                processes")]
    [InlineData("")]
    public void Parse_UnlimitedOrMissing_IsNull(string text) =>
        FileDescriptorLimit.Parse(text).ShouldBeNull();

    [Fact]
    public void Check_UsersWithinTheLimitAndItsReserve_SaysNothing() =>
        FileDescriptorLimit.Check(users: 20000 - FileDescriptorLimit.Reserve, limit: 20000).ShouldBeNull();

    [Fact]
    public void Check_MoreUsersThanTheLimitAllows_SaysHowManyWhatFailsAndHowToRaiseIt()
    {
        string message = FileDescriptorLimit.Check(users: 25000, limit: 20000)!;

        message.ShouldContain("25000 users");
        message.ShouldContain("20000 files");
        message.ShouldContain("Too many open files");
        message.ShouldContain("ulimit -Hn");
        message.ShouldContain("--shared-connections");
    }

    [Fact]
    public void Check_LimitUnknown_SaysNothing() =>
        FileDescriptorLimit.Check(users: 1_000_000, limit: null).ShouldBeNull();
}
