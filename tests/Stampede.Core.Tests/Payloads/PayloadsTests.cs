namespace Stampede.Core.Tests.Payloads;

public sealed class PayloadsTests
{
    [Fact]
    public async Task SmallAndLarge_HaveTheirDocumentedSizesAndNeverChange()
    {
        byte[] small = await Stampede.Payloads.Small().ReadAsByteArrayAsync();
        byte[] large = await Stampede.Payloads.Large().ReadAsByteArrayAsync();

        small.Length.ShouldBe(Stampede.Payloads.SmallSize);
        large.Length.ShouldBe(Stampede.Payloads.LargeSize);
        small.ShouldBe(Stampede.Payloads.SeededBytes(Stampede.Payloads.SmallSize, seed: 1));
        (await Stampede.Payloads.Small().ReadAsByteArrayAsync()).ShouldBe(small);
        Stampede.Payloads.Small().Headers.ContentType!.MediaType.ShouldBe("application/octet-stream");
    }

    [Fact]
    public void SeededBytes_DifferentSeeds_Differ()
    {
        Stampede.Payloads.SeededBytes(64, 1).ShouldNotBe(Stampede.Payloads.SeededBytes(64, 2));
    }
}
