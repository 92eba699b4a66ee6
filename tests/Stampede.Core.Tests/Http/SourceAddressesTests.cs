using System.Net;
using Stampede.Http;

namespace Stampede.Core.Tests.Http;

public sealed class SourceAddressesTests
{
    [Theory]
    [InlineData("127.0.0.2", new[] { "127.0.0.2" })]
    [InlineData("127.0.0.1-127.0.0.4", new[] { "127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4" })]
    [InlineData(" 127.0.0.254 - 127.0.1.1 ", new[] { "127.0.0.254", "127.0.0.255", "127.0.1.0", "127.0.1.1" })]
    [InlineData("::1", new[] { "::1" })]
    public void Parse_AddressOrIpv4Range_GivesEveryAddressInOrder(string text, string[] expected) =>
        SourceAddresses.Parse(text).Select(a => a.ToString()).ShouldBe(expected);

    [Theory]
    [InlineData("localhost", "'localhost' is not an IP address")]
    [InlineData("127.0.0.9-127.0.0.2", "'127.0.0.9-127.0.0.2' runs backwards")]
    [InlineData("127.0.0.1-::1", "'127.0.0.1-::1': a range is of IPv4 addresses")]
    [InlineData("10.0.0.0-10.0.255.255", "'10.0.0.0-10.0.255.255' holds 65536 addresses; at most 4096")]
    public void Parse_Bad_ThrowsQuotingTheTextAndWhatIsValid(string text, string expected) =>
        Should.Throw<FormatException>(() => SourceAddresses.Parse(text)).Message.ShouldContain(expected);

    [Fact]
    public void For_User_TakesTheAddressesInTurn()
    {
        IPAddress[] sources = [IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3")];

        Enumerable.Range(0, 5).Select(user => SourceAddresses.For(sources, user)!.ToString())
            .ShouldBe(["127.0.0.2", "127.0.0.3", "127.0.0.2", "127.0.0.3", "127.0.0.2"]);
        SourceAddresses.For([], 7).ShouldBeNull();
    }
}
