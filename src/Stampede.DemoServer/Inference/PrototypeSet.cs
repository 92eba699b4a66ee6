using SkiaSharp;

namespace Stampede.Demo.Inference;

/// <summary>
/// The 16 named prototypes a request's embedding is matched against: the model's embeddings of 16 synthetic
/// 224×224 images (solid colours, stripes, gradients, a checkerboard, seeded noise…) drawn at startup.
/// The "label" of an answer is the prototype with the highest cosine similarity: a deterministic nearest-prototype
/// match in embedding space, not an ImageNet class.
/// </summary>
internal sealed class PrototypeSet
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "red", "green", "blue", "yellow", "black", "white",
        "horizontal-stripes", "vertical-stripes", "diagonal-stripes", "checkerboard",
        "concentric-rings", "polka-dots", "sky-gradient", "sunset-gradient", "noise", "grid",
    ];

    private readonly float[][] _unitVectors;

    public PrototypeSet(float[][] embeddings)
    {
        if (embeddings.Length != Names.Count)
        {
            throw new ArgumentException($"Expected {Names.Count} prototype embeddings, got {embeddings.Length}.", nameof(embeddings));
        }

        _unitVectors = new float[embeddings.Length][];
        for (var i = 0; i < embeddings.Length; i++)
        {
            _unitVectors[i] = ToUnit(embeddings[i]);
        }
    }

    /// <summary>The prototype nearest to <paramref name="embedding"/> by cosine similarity (ties: the lower index).</summary>
    public (int Index, float Similarity) Match(ReadOnlySpan<float> embedding)
    {
        var norm = Norm(embedding);
        var best = 0;
        var bestSimilarity = float.NegativeInfinity;
        for (var i = 0; i < _unitVectors.Length; i++)
        {
            var similarity = norm == 0 ? 0 : Dot(embedding, _unitVectors[i]) / norm;
            if (similarity > bestSimilarity)
            {
                best = i;
                bestSimilarity = similarity;
            }
        }

        return (best, bestSimilarity);
    }

    /// <summary>Draws prototype <paramref name="index"/> into a 224×224 RGBA bitmap; the same pixels every time.</summary>
    public static SKBitmap Render(int index)
    {
        var bitmap = ImagePreprocessor.CreateModelBitmap();
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Fill };
        const float Size = ResNetModel.Width;
        switch (Names[index])
        {
            case "red": canvas.Clear(new SKColor(220, 30, 30)); break;
            case "green": canvas.Clear(new SKColor(40, 170, 60)); break;
            case "blue": canvas.Clear(new SKColor(30, 60, 210)); break;
            case "yellow": canvas.Clear(new SKColor(240, 210, 40)); break;
            case "black": canvas.Clear(SKColors.Black); break;
            case "white": canvas.Clear(SKColors.White); break;
            case "horizontal-stripes":
                canvas.Clear(SKColors.White);
                paint.Color = SKColors.Black;
                for (var y = 0f; y < Size; y += 28)
                {
                    canvas.DrawRect(0, y, Size, 14, paint);
                }

                break;
            case "vertical-stripes":
                canvas.Clear(SKColors.White);
                paint.Color = SKColors.Black;
                for (var x = 0f; x < Size; x += 28)
                {
                    canvas.DrawRect(x, 0, 14, Size, paint);
                }

                break;
            case "diagonal-stripes":
                canvas.Clear(new SKColor(250, 240, 200));
                paint.Color = new SKColor(120, 40, 20);
                paint.Style = SKPaintStyle.Stroke;
                paint.StrokeWidth = 10;
                for (var offset = -Size; offset < Size; offset += 32)
                {
                    canvas.DrawLine(offset, Size, offset + Size, 0, paint);
                }

                break;
            case "checkerboard":
                canvas.Clear(SKColors.White);
                paint.Color = SKColors.Black;
                for (var row = 0; row < 8; row++)
                {
                    for (var column = row % 2; column < 8; column += 2)
                    {
                        canvas.DrawRect(column * 28, row * 28, 28, 28, paint);
                    }
                }

                break;
            case "concentric-rings":
                canvas.Clear(SKColors.White);
                paint.Style = SKPaintStyle.Stroke;
                paint.StrokeWidth = 8;
                paint.Color = new SKColor(200, 20, 20);
                for (var radius = 8f; radius < Size * 0.7f; radius += 20)
                {
                    canvas.DrawCircle(Size / 2, Size / 2, radius, paint);
                }

                break;
            case "polka-dots":
                canvas.Clear(new SKColor(30, 30, 120));
                paint.Color = SKColors.White;
                for (var y = 16f; y < Size; y += 40)
                {
                    for (var x = 16f; x < Size; x += 40)
                    {
                        canvas.DrawCircle(x, y, 9, paint);
                    }
                }

                break;
            case "sky-gradient":
                using (var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, Size), [new SKColor(40, 110, 230), SKColors.White], SKShaderTileMode.Clamp))
                {
                    paint.Shader = shader;
                    canvas.DrawRect(0, 0, Size, Size, paint);
                }

                break;
            case "sunset-gradient":
                using (var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(Size, Size), [new SKColor(250, 150, 30), new SKColor(200, 40, 90), new SKColor(60, 20, 110)], SKShaderTileMode.Clamp))
                {
                    paint.Shader = shader;
                    canvas.DrawRect(0, 0, Size, Size, paint);
                }

                break;
            case "noise":
                canvas.Flush();
                FillNoise(bitmap, seed: 0x5EED_1234u);
                return bitmap;
            case "grid":
                canvas.Clear(SKColors.White);
                paint.Color = new SKColor(20, 120, 20);
                for (var p = 0f; p < Size; p += 16)
                {
                    canvas.DrawRect(p, 0, 2, Size, paint);
                    canvas.DrawRect(0, p, Size, 2, paint);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(index), index, "No such prototype.");
        }

        canvas.Flush();
        return bitmap;
    }

    private static void FillNoise(SKBitmap bitmap, uint seed)
    {
        // xorshift32: a fixed, platform-independent sequence, so the "noise" prototype never changes.
        var state = seed;
        var pixels = bitmap.GetPixelSpan();
        for (var i = 0; i < pixels.Length; i += 4)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            pixels[i] = (byte)state;
            pixels[i + 1] = (byte)(state >> 8);
            pixels[i + 2] = (byte)(state >> 16);
            pixels[i + 3] = 255;
        }
    }

    private static float[] ToUnit(float[] vector)
    {
        var norm = Norm(vector);
        var unit = new float[vector.Length];
        for (var i = 0; i < vector.Length; i++)
        {
            unit[i] = norm == 0 ? 0 : vector[i] / norm;
        }

        return unit;
    }

    private static float Norm(ReadOnlySpan<float> vector) => MathF.Sqrt(Dot(vector, vector));

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        // Sequential sum in double: the same order every time, so the same image always gets the same similarity.
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return (float)sum;
    }
}
