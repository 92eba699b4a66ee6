using SkiaSharp;
using Stampede.Inference;

namespace Stampede.Core.Tests.Inference;

public sealed class ImageTensorsTests
{
    private static readonly byte[] Png = SolidPng(8, 6, new SKColor(255, 0, 128));

    [Fact]
    public void Fp32_Nchw_ResizedAndEachChannelAPlane()
    {
        InferTensor tensor = ImageTensors.Fp32("img", Png, 4, 4, TensorLayout.Nchw, ImageNormalization.UnitRange);

        tensor.Shape.ShouldBe([1, 3, 4, 4]);
        tensor.Datatype.ShouldBe(TensorDatatype.Fp32);
        float[] values = Values(tensor);
        values[..16].ShouldAllBe(v => v == 1f);
        values[16..32].ShouldAllBe(v => v == 0f);
        values[32..].ShouldAllBe(v => Math.Abs(v - (128 / 255f)) < 1e-6);
    }

    [Fact]
    public void Fp32_NhwcWithoutBatch_ChannelsInterleaved()
    {
        InferTensor tensor = ImageTensors.Fp32("img", Png, 2, 3, TensorLayout.Nhwc, ImageNormalization.UnitRange, batch: false);

        tensor.Shape.ShouldBe([3, 2, 3]);
        float[] values = Values(tensor);
        values[0].ShouldBe(1f);
        values[1].ShouldBe(0f);
        values[2].ShouldBe(128 / 255f, 1e-6);
        values[3].ShouldBe(1f);
    }

    [Fact]
    public void Fp32_ImageNet_NormalisesEachChannelByItsMeanAndStd()
    {
        float[] values = Values(ImageTensors.Fp32("img", Png, 2, 2));

        values[0].ShouldBe((1f - 0.485f) / 0.229f, 1e-5);
        values[4].ShouldBe((0f - 0.456f) / 0.224f, 1e-5);
        values[8].ShouldBe(((128 / 255f) - 0.406f) / 0.225f, 1e-5);
    }

    [Fact]
    public void Fp32_NotAnImage_RefusedSayingSo()
    {
        Should.Throw<ArgumentException>(() => ImageTensors.Fp32("img", [1, 2, 3])).Message.ShouldContain("not an image that can be decoded");
    }

    [Fact]
    public void Fp32_AJpegFromTheImagePools_IsTheModelsInputShape()
    {
        ImagePool pool = Images.Create(320, 240, count: 1);

        ImageTensors.Fp32("input", pool.NextBytes()).Shape.ShouldBe([1, 3, 224, 224]);
    }

    private static float[] Values(InferTensor tensor) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.Data.Span).ToArray();

    private static byte[] SolidPng(int width, int height, SKColor color)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(color);
        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
