using SkiaSharp;

namespace Stampede.Demo.Tests.Infrastructure;

/// <summary>Encoded test images drawn with SkiaSharp: the same bytes for the same arguments.</summary>
public static class TestImages
{
    public static byte[] Jpeg(int width, int height, int seed = 1, int quality = 90) =>
        Encode(width, height, seed, SKEncodedImageFormat.Jpeg, quality);

    public static byte[] Png(int width, int height, int seed = 1) =>
        Encode(width, height, seed, SKEncodedImageFormat.Png, 100);

    private static byte[] Encode(int width, int height, int seed, SKEncodedImageFormat format, int quality)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            var random = new Random(seed);
            using var background = SKShader.CreateLinearGradient(
                new SKPoint(0, 0),
                new SKPoint(width, height),
                [new SKColor((byte)random.Next(256), 80, 160), new SKColor(240, (byte)random.Next(256), 40)],
                SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = background };
            canvas.DrawRect(0, 0, width, height, paint);
            paint.Shader = null;
            paint.IsAntialias = true;
            for (var i = 0; i < 40; i++)
            {
                paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                canvas.DrawCircle(random.Next(width), random.Next(height), 4 + random.Next(Math.Max(5, width / 8)), paint);
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }
}
