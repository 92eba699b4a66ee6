using SkiaSharp;

namespace Stampede.Demo.Inference;

/// <summary>
/// Turns an encoded JPEG or PNG into the model's input: a full-resolution decode, a resize to 224×224 and
/// ImageNet normalisation into a CHW float tensor.
/// </summary>
/// <remarks>
/// The image is always decoded at full size and then scaled with mipmaps, so a 4032×3024 photo costs what it
/// costs in a real preprocessing pipeline; decoding at a reduced scale would make it nearly as cheap as a
/// 224×224 image and hide the cost a load test is meant to find.
/// </remarks>
internal static class ImagePreprocessor
{
    /// <summary>Images larger than this are refused (pixels): 64 megapixels is 256 MiB decoded.</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    // ImageNet channel statistics (torchvision's), in RGB order.
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] StdDev = [0.229f, 0.224f, 0.225f];

    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    private static readonly SKImageInfo ModelImageInfo =
        new(ResNetModel.Width, ResNetModel.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);

    /// <summary>Decodes a JPEG or PNG at full resolution into RGBA.</summary>
    /// <exception cref="ImageRejectedException">The bytes are not a whole JPEG or PNG, or it is too large.</exception>
    public static SKBitmap Decode(ReadOnlySpan<byte> encoded)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new ImageRejectedException("the body is not a JPEG or PNG image that can be decoded");

        if (codec.EncodedFormat is not (SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png))
        {
            throw new ImageRejectedException($"the image is {codec.EncodedFormat}; send JPEG or PNG");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width < 1 || height < 1 || (long)width * height > MaxPixels)
        {
            throw new ImageRejectedException($"the image is {width}×{height}; at most {MaxPixels} pixels are accepted");
        }

        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        try
        {
            var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
            if (result != SKCodecResult.Success)
            {
                throw new ImageRejectedException($"the {codec.EncodedFormat} image is corrupt or truncated ({result})");
            }

            return bitmap;
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }

    /// <summary>Creates the 224×224 bitmap a worker resizes into, once.</summary>
    public static SKBitmap CreateModelBitmap() => new(ModelImageInfo);

    /// <summary>
    /// Scales <paramref name="source"/> into <paramref name="target"/> (224×224), ignoring the aspect ratio, and
    /// returns the bitmap that holds the model-sized image: <paramref name="source"/> itself when it is already 224×224.
    /// </summary>
    public static SKBitmap Resize(SKBitmap source, SKBitmap target)
    {
        if (source.Width == target.Width && source.Height == target.Height)
        {
            return source;
        }

        if (!source.ScalePixels(target, Sampling))
        {
            throw new InvalidOperationException("SkiaSharp could not scale the image.");
        }

        return target;
    }

    /// <summary>Writes the 224×224 RGBA pixels as ImageNet-normalised CHW floats.</summary>
    public static void Normalize(SKBitmap image, Span<float> chw)
    {
        const int Plane = ResNetModel.Width * ResNetModel.Height;
        ReadOnlySpan<byte> rgba = image.GetPixelSpan();
        if (image.ColorType != SKColorType.Rgba8888 || rgba.Length < Plane * 4 || chw.Length < Plane * 3)
        {
            throw new InvalidOperationException("The model image must be 224×224 RGBA.");
        }

        var red = chw[..Plane];
        var green = chw.Slice(Plane, Plane);
        var blue = chw.Slice(2 * Plane, Plane);
        float redScale = 1f / (255f * StdDev[0]), redShift = Mean[0] / StdDev[0];
        float greenScale = 1f / (255f * StdDev[1]), greenShift = Mean[1] / StdDev[1];
        float blueScale = 1f / (255f * StdDev[2]), blueShift = Mean[2] / StdDev[2];
        for (var i = 0; i < Plane; i++)
        {
            var pixel = rgba.Slice(i * 4, 4);
            red[i] = (pixel[0] * redScale) - redShift;
            green[i] = (pixel[1] * greenScale) - greenShift;
            blue[i] = (pixel[2] * blueScale) - blueShift;
        }
    }
}
