using SkiaSharp;

namespace Stampede.Inference;

/// <summary>The order of an image tensor's dimensions.</summary>
public enum TensorLayout
{
    /// <summary>Channels first, [N,3,H,W]: PyTorch and ONNX exports (ResNet in torchvision).</summary>
    Nchw,

    /// <summary>Channels last, [N,H,W,3]: TensorFlow and Keras models.</summary>
    Nhwc,
}

/// <summary>How pixel values become model inputs: each channel's <c>(value / 255 − mean) / std</c>, in RGB order.</summary>
/// <param name="Mean">The per-channel means, R, G, B.</param>
/// <param name="Std">The per-channel standard deviations, R, G, B.</param>
public sealed record ImageNormalization(float[] Mean, float[] Std)
{
    /// <summary>The ImageNet statistics that torchvision's classifiers expect.</summary>
    public static ImageNormalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Values from 0 to 1: <c>value / 255</c>.</summary>
    public static ImageNormalization UnitRange { get; } = new([0f, 0f, 0f], [1f, 1f, 1f]);
}

/// <summary>Turns an encoded image (a JPEG or PNG, e.g. from <see cref="Images"/>) into an FP32 image tensor.</summary>
public static class ImageTensors
{
    /// <summary>
    /// Decodes <paramref name="encodedImage"/>, resizes it to <paramref name="width"/>×<paramref name="height"/> and
    /// returns its RGB values normalised by <paramref name="normalization"/> (ImageNet's by default), in
    /// <paramref name="layout"/>, with a leading batch dimension of 1 when <paramref name="batch"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The bytes are not an image SkiaSharp can decode, or a size is not positive.</exception>
    public static InferTensor Fp32(
        string name,
        byte[] encodedImage,
        int width = 224,
        int height = 224,
        TensorLayout layout = TensorLayout.Nchw,
        ImageNormalization? normalization = null,
        bool batch = true)
    {
        ArgumentNullException.ThrowIfNull(encodedImage);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ImageNormalization norm = normalization ?? ImageNormalization.ImageNet;
        if (norm.Mean.Length != 3 || norm.Std.Length != 3 || norm.Std.Any(s => !(s > 0)))
        {
            throw new ArgumentException("Give three means and three positive standard deviations, in R, G, B order.", nameof(normalization));
        }

        using SKCodec? codec = SKCodec.Create(new SKMemoryStream(encodedImage));
        using SKBitmap decoded = (codec is null ? null : SKBitmap.Decode(codec))
            ?? throw new ArgumentException($"The {encodedImage.Length} bytes are not an image that can be decoded (JPEG, PNG, WebP).", nameof(encodedImage));
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using SKBitmap resized = decoded.Resize(info, new SKSamplingOptions(SKFilterMode.Linear))
            ?? throw new ArgumentException($"The image ({decoded.Width}×{decoded.Height}) could not be resized to {width}×{height}.", nameof(encodedImage));
        ReadOnlySpan<byte> pixels = resized.GetPixelSpan();

        int plane = width * height;
        int rowBytes = resized.RowBytes;
        float[] values = new float[3 * plane];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                for (int c = 0; c < 3; c++)
                {
                    float value = ((pixels[(y * rowBytes) + (x * 4) + c] / 255f) - norm.Mean[c]) / norm.Std[c];
                    values[layout == TensorLayout.Nchw ? (c * plane) + i : (i * 3) + c] = value;
                }
            }
        }

        long[] shape = layout == TensorLayout.Nchw ? [3, height, width] : [height, width, 3];
        return InferTensor.Fp32(name, batch ? [1, .. shape] : shape, values);
    }
}
