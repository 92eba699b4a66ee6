namespace Stampede;

/// <summary>
/// Synthetic, photo-like images for image-model endpoints: pools of pre-encoded JPEGs or PNGs that
/// are drawn once, from a seed, and then only wrapped on the request path.
/// </summary>
/// <remarks>
/// <para>
/// Each image is a seeded composition of gradients, overlapping shapes in a coherent palette,
/// smooth light variation and sensor-like grain, so it compresses like a photo: a 1920×1080 JPEG at
/// quality 90 is about 500 KiB and a 224×224 one about 14 KiB, not the few kilobytes a flat
/// colour would be. The same arguments give byte-identical images on every run with the same
/// SkiaSharp version.
/// </para>
/// <para>
/// A pool is built on first use (<see cref="Small"/>, <see cref="Large"/>) or when
/// <see cref="Create(int, int, ImageFormat, int, int, int)"/> is called, using every core for a moment:
/// touch the pools you use before the run starts (a static field, or <see cref="User.OnStartAsync"/>)
/// so that the first requests do not wait for it.
/// </para>
/// </remarks>
public static class Images
{
    /// <summary>Images in <see cref="Small"/> and <see cref="Large"/>.</summary>
    public const int DefaultCount = 8;

    /// <summary>JPEG quality of <see cref="Small"/> and <see cref="Large"/>, and the default of <see cref="Create(int, int, ImageFormat, int, int, int)"/>.</summary>
    public const int DefaultQuality = 90;

    /// <summary>Largest width or height <see cref="Create(int, int, ImageFormat, int, int, int)"/> accepts, pixels.</summary>
    public const int MaxDimension = 16384;

    /// <summary>Most images one pool may hold.</summary>
    public const int MaxCount = 1024;

    private static readonly Lazy<ImagePool> SmallPool = new(() => Create(Resolution.ImageNet, seed: 1));
    private static readonly Lazy<ImagePool> LargePool = new(() => Create(Resolution.FullHd, seed: 2));

    /// <summary>
    /// Eight 224×224 JPEGs (quality 90, seed 1), about 14 KiB each: what a client sends after resizing
    /// for an ImageNet classifier. Created on first use, in about 0.1 s.
    /// </summary>
    public static ImagePool Small => SmallPool.Value;

    /// <summary>
    /// Eight 1920×1080 JPEGs (quality 90, seed 2), about 500 KiB each: a Full HD frame sent without
    /// resizing. Created on first use, in about 0.6 s on two cores.
    /// </summary>
    public static ImagePool Large => LargePool.Value;

    /// <summary>The preset sizes: <see cref="Resolution.ImageNet"/> (224×224), <see cref="Resolution.Vga"/> (640×480), <see cref="Resolution.FullHd"/> (1920×1080) and <see cref="Resolution.Photo12MP"/> (4032×3024).</summary>
    public static IReadOnlyList<Resolution> Resolutions { get; } =
        [Resolution.ImageNet, Resolution.Vga, Resolution.FullHd, Resolution.Photo12MP];

    /// <summary>Draws and encodes a pool of <paramref name="count"/> images.</summary>
    /// <param name="width">Width, pixels, 1 to <see cref="MaxDimension"/>.</param>
    /// <param name="height">Height, pixels, 1 to <see cref="MaxDimension"/>.</param>
    /// <param name="format">Encoding; <see cref="ImageFormat.Jpeg"/> by default.</param>
    /// <param name="count">Distinct images, 1 to <see cref="MaxCount"/>; 8 by default. More images defeat caches keyed on the body; each costs its encoded size in memory.</param>
    /// <param name="seed">Seed of the drawing; 1 by default. The same arguments give the same bytes.</param>
    /// <param name="quality">JPEG quality, 1 (smallest) to 100; 90 by default (a phone camera's setting). Ignored for PNG.</param>
    /// <returns>The pool, with every image already encoded.</returns>
    /// <remarks>Costs about 0.15 s of CPU per 1920×1080 JPEG (about 1 s per 4032×3024 one), spread across all cores; the encoded images stay in memory as long as the pool.</remarks>
    public static ImagePool Create(int width, int height, ImageFormat format = ImageFormat.Jpeg, int count = DefaultCount, int seed = 1, int quality = DefaultQuality)
    {
        Require(width, 1, MaxDimension, nameof(width), "pixels");
        Require(height, 1, MaxDimension, nameof(height), "pixels");
        Require(count, 1, MaxCount, nameof(count), "images");
        Require(quality, 1, 100, nameof(quality), "(JPEG quality)");
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, $"Images.Create: format must be {nameof(ImageFormat.Jpeg)} or {nameof(ImageFormat.Png)}.");
        }

        var images = new byte[count][];
        Parallel.For(0, count, i => images[i] = ImageSynthesizer.Render(width, height, format, quality, seed, i));
        return new ImagePool(width, height, format, images);
    }

    /// <summary>Draws and encodes a pool of <paramref name="count"/> images of a preset size such as <see cref="Resolution.Vga"/>.</summary>
    /// <param name="resolution">Width and height, pixels, each 1 to <see cref="MaxDimension"/>.</param>
    /// <param name="format">Encoding; <see cref="ImageFormat.Jpeg"/> by default.</param>
    /// <param name="count">Distinct images, 1 to <see cref="MaxCount"/>; 8 by default.</param>
    /// <param name="seed">Seed of the drawing; 1 by default.</param>
    /// <param name="quality">JPEG quality, 1 to 100; 90 by default. Ignored for PNG.</param>
    /// <returns>The pool, with every image already encoded.</returns>
    public static ImagePool Create(Resolution resolution, ImageFormat format = ImageFormat.Jpeg, int count = DefaultCount, int seed = 1, int quality = DefaultQuality) =>
        Create(resolution.Width, resolution.Height, format, count, seed, quality);

    private static void Require(int value, int min, int max, string name, string unit)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Images.Create: {name} must be {min} to {max} {unit}.");
        }
    }
}
