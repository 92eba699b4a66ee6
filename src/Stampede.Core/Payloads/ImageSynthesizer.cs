using SkiaSharp;

namespace Stampede;

/// <summary>Draws one photo-like image from a seed and encodes it.</summary>
/// <remarks>
/// What makes the bytes realistic is the grain: a flat or smoothly shaded picture compresses to a
/// few kilobytes, while camera sensor noise (a standard deviation of about 5 levels here) is what
/// makes a real 1920×1080 JPEG at quality 90 weigh 300–700 KB. Shapes and light variation give the
/// decoder and the model something image-like to chew on. Everything comes from the seed and the
/// image's index, never from the clock or a shared random source.
/// </remarks>
internal static class ImageSynthesizer
{
    public static byte[] Render(int width, int height, ImageFormat format, int quality, int seed, int index)
    {
        uint imageSeed = Mix(unchecked(((uint)seed * 0x9E3779B9u) ^ ((uint)index + 0x632BE5ABu)));
        var random = new Random(unchecked((int)imageSeed));

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            float baseHue = random.NextSingle() * 360f;
            DrawBackground(canvas, random, width, height, baseHue);
            DrawShapes(canvas, random, width, height, baseHue);
        }

        var broadLight = new LightField(random, width, height, cells: 6, strength: 64);
        var fineLight = new LightField(random, width, height, cells: 28, strength: 26);
        Develop(bitmap.GetPixelSpan(), width, height, broadLight, fineLight, imageSeed);

        using SKPixmap pixmap = bitmap.PeekPixels();
        using SKData? data = format == ImageFormat.Png
            ? pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, zLibLevel: 6))
            : pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore));
        return data?.ToArray() ?? throw new InvalidOperationException(
            $"SkiaSharp could not encode a {width}x{height} image as {format} (quality {quality}).");
    }

    private static void DrawBackground(SKCanvas canvas, Random random, int width, int height, float baseHue)
    {
        double angle = random.NextDouble() * Math.PI * 2;
        float cx = width / 2f;
        float cy = height / 2f;
        float reach = MathF.Sqrt(((float)width * width) + ((float)height * height)) / 2f;
        var dx = (float)Math.Cos(angle) * reach;
        var dy = (float)Math.Sin(angle) * reach;
        SKColor[] colours = [Colour(random, baseHue, 255), Colour(random, baseHue, 255), Colour(random, baseHue, 255)];
        using var shader = SKShader.CreateLinearGradient(new SKPoint(cx - dx, cy - dy), new SKPoint(cx + dx, cy + dy), colours, null, SKShaderTileMode.Clamp);
        using var paint = new SKPaint { Shader = shader };
        canvas.DrawRect(0, 0, width, height, paint);
    }

    private static void DrawShapes(SKCanvas canvas, Random random, int width, int height, float baseHue)
    {
        float scale = MathF.Sqrt((float)width * height);

        // About 40 shapes at 224×224 and 180 at 1920×1080: detail grows with the picture as in a photo.
        // Capped because each shape's area grows with the picture too, so the drawing time would grow with its square.
        int shapes = 40 + (int)Math.Min((long)width * height / 15_000, 200);
        using var paint = new SKPaint { IsAntialias = true };
        for (int i = 0; i < shapes; i++)
        {
            float x = random.NextSingle() * width;
            float y = random.NextSingle() * height;

            // Sizes follow a power law: many small details, a few large regions.
            float size = scale * (0.008f + (0.25f * MathF.Pow(random.NextSingle(), 3)));
            SKColor colour = Colour(random, baseHue, (byte)random.Next(70, 256));
            int kind = random.Next(4);
            SKShader? shader = random.Next(3) == 0
                ? SKShader.CreateRadialGradient(new SKPoint(x, y), size, [colour, Colour(random, baseHue, colour.Alpha)], null, SKShaderTileMode.Clamp)
                : null;
            paint.Shader = shader;
            paint.Color = colour;
            switch (kind)
            {
                case 0:
                    canvas.DrawCircle(x, y, size, paint);
                    break;
                case 1:
                    canvas.DrawOval(x, y, size, size * (0.3f + random.NextSingle()), paint);
                    break;
                case 2:
                    canvas.Save();
                    canvas.RotateDegrees(random.NextSingle() * 180f, x, y);
                    canvas.DrawRect(x - size, y - (size / 2f), 2f * size, size * (0.2f + random.NextSingle()), paint);
                    canvas.Restore();
                    break;
                default:
                    paint.Style = SKPaintStyle.Stroke;
                    paint.StrokeWidth = 1f + (size * 0.05f);
                    canvas.DrawLine(x, y, x + ((random.NextSingle() - 0.5f) * 4f * size), y + ((random.NextSingle() - 0.5f) * 4f * size), paint);
                    paint.Style = SKPaintStyle.Fill;
                    break;
            }

            paint.Shader = null;
            shader?.Dispose();
        }
    }

    /// <summary>
    /// Multiplies RGBA pixels by uneven light (two smooth fields) and adds luma grain (triangular,
    /// −11…+11 levels) and a little chroma grain, in integer arithmetic so every machine gets the same pixels.
    /// </summary>
    private static void Develop(Span<byte> rgba, int width, int height, LightField broad, LightField fine, uint seed)
    {
        int[] broadRow = new int[width];
        int[] fineRow = new int[width];
        uint pixel = 0;
        for (int y = 0; y < height; y++)
        {
            broad.Row(y, broadRow);
            fine.Row(y, fineRow);
            Span<byte> row = rgba.Slice(y * width * 4, width * 4);
            for (int x = 0, i = 0; x < width; x++, i += 4, pixel++)
            {
                int gain = 256 + broadRow[x] + fineRow[x];
                uint h = Mix(pixel ^ seed);
                int luma = (int)(h & 15) + (int)((h >> 4) & 7) - 11;
                int chroma = (int)((h >> 8) & 3) - (int)((h >> 10) & 3);
                row[i] = Clamp((row[i] * gain >> 8) + luma + chroma);
                row[i + 1] = Clamp((row[i + 1] * gain >> 8) + luma);
                row[i + 2] = Clamp((row[i + 2] * gain >> 8) + luma - chroma);
            }
        }
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);

    /// <summary>Colours of one image share a palette around <paramref name="baseHue"/>, as a photographed scene does.</summary>
    private static SKColor Colour(Random random, float baseHue, byte alpha)
    {
        float hue = (baseHue + ((random.NextSingle() - 0.5f) * 150f) + 360f) % 360f;
        float saturation = 15f + (random.NextSingle() * 65f);
        float value = 20f + (random.NextSingle() * 75f);
        return SKColor.FromHsv(hue, saturation, value, alpha);
    }

    /// <summary>A 32-bit integer hash with full avalanche (lowbias32).</summary>
    private static uint Mix(uint x)
    {
        x ^= x >> 16;
        x *= 0x7FEB352Du;
        x ^= x >> 15;
        x *= 0x846CA68Bu;
        x ^= x >> 16;
        return x;
    }
}
