using SkiaSharp;

namespace Stampede.Core.Tests.Payloads;

public sealed class ImagesTests
{
    [Theory]
    [InlineData(224, 224, ImageFormat.Jpeg)]
    [InlineData(640, 480, ImageFormat.Jpeg)]
    [InlineData(97, 31, ImageFormat.Png)]
    public void Create_AnySize_EveryImageDecodesToThatSize(int width, int height, ImageFormat format)
    {
        ImagePool pool = Images.Create(width, height, format, count: 2);

        pool.Count.ShouldBe(2);
        foreach (ReadOnlyMemory<byte> image in pool)
        {
            using var bitmap = SKBitmap.Decode(image.ToArray());
            bitmap.ShouldNotBeNull();
            bitmap.Width.ShouldBe(width);
            bitmap.Height.ShouldBe(height);
        }

        pool.Width.ShouldBe(width);
        pool.Height.ShouldBe(height);
        pool.Format.ShouldBe(format);
        pool.ContentType.ShouldBe(format == ImageFormat.Png ? "image/png" : "image/jpeg");
    }

    [Fact]
    public void Create_Jpeg_StartsWithTheJpegMarkerAndPngWithItsSignature()
    {
        Images.Create(16, 16, ImageFormat.Jpeg, count: 1)[0].Span[..3].ToArray().ShouldBe(new byte[] { 0xFF, 0xD8, 0xFF });
        Images.Create(16, 16, ImageFormat.Png, count: 1)[0].Span[..4].ToArray().ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' });
    }

    [Fact]
    public void Create_SameSeed_ByteIdenticalImages()
    {
        ImagePool first = Images.Create(160, 120, count: 3, seed: 5);
        ImagePool second = Images.Create(160, 120, count: 3, seed: 5);

        for (int i = 0; i < first.Count; i++)
        {
            first[i].ToArray().ShouldBe(second[i].ToArray(), $"image {i}");
        }
    }

    [Fact]
    public void Create_DifferentSeed_DifferentImages()
    {
        ImagePool first = Images.Create(160, 120, count: 2, seed: 5);
        ImagePool other = Images.Create(160, 120, count: 2, seed: 6);

        first[0].ToArray().ShouldNotBe(other[0].ToArray());
        first[0].ToArray().ShouldNotBe(first[1].ToArray(), "images within one pool differ too");
    }

    [Fact]
    public void Create_FullHdJpeg_IsPhotoSizedAndFarLargerThanImageNetSize()
    {
        ImagePool large = Images.Create(Resolution.FullHd, count: 2, seed: 2);
        ImagePool small = Images.Create(Resolution.ImageNet, count: 2, seed: 2);

        foreach (ReadOnlyMemory<byte> image in large)
        {
            image.Length.ShouldBeGreaterThan(100 * 1024, "a flat-colour 1080p JPEG would be a few KB; a photo is hundreds");
        }

        large.AverageBytes.ShouldBeGreaterThan(small.AverageBytes * 10);
        small.AverageBytes.ShouldBeGreaterThan(5 * 1024);
    }

    [Fact]
    public void Small_IsEightImageNetJpegs()
    {
        ImagePool small = Images.Small;

        small.Count.ShouldBe(Images.DefaultCount);
        (small.Width, small.Height).ShouldBe((224, 224));
        small.ContentType.ShouldBe("image/jpeg");
        Images.Small.ShouldBeSameAs(small);
        small[0].ToArray().ShouldBe(Images.Create(Resolution.ImageNet, seed: 1, count: 1)[0].ToArray());
    }

    [Fact]
    public void Resolutions_ListsThePresetsInSizeOrder()
    {
        Images.Resolutions.ShouldBe([new Resolution(224, 224), new Resolution(640, 480), new Resolution(1920, 1080), new Resolution(4032, 3024)]);
        Resolution.FullHd.ToString().ShouldBe("1920x1080");
        Resolution.Photo12MP.Pixels.ShouldBe(12_192_768L);
    }

    [Theory]
    [InlineData(0, 10, 1, 90, "width")]
    [InlineData(10, 16385, 1, 90, "height")]
    [InlineData(10, 10, 0, 90, "count")]
    [InlineData(10, 10, 1, 101, "quality")]
    public void Create_OutOfRange_ThrowsNamingTheArgument(int width, int height, int count, int quality, string name)
    {
        var error = Should.Throw<ArgumentOutOfRangeException>(() => Images.Create(width, height, count: count, quality: quality));

        error.ParamName.ShouldBe(name);
    }

    [Fact]
    public void Create_LowerQuality_SmallerJpeg()
    {
        long q90 = Images.Create(320, 240, count: 1, quality: 90).TotalBytes;
        long q50 = Images.Create(320, 240, count: 1, quality: 50).TotalBytes;

        q50.ShouldBeLessThan(q90);
    }
}
