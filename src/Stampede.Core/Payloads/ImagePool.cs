using System.Collections;

namespace Stampede;

/// <summary>
/// A fixed set of encoded images of one size and format, shared by every virtual user. Get one from
/// <see cref="Images"/>.
/// </summary>
/// <remarks>
/// The images are encoded when the pool is created; <see cref="Next()"/> only wraps the next one in
/// a new <see cref="HttpContent"/> (no copy, no encoding, no lock), so the pool costs nothing on the
/// request path. The byte arrays are shared: never change them.
/// </remarks>
public sealed class ImagePool : IReadOnlyList<ReadOnlyMemory<byte>>
{
    private readonly byte[][] _images;
    private long _next = -1;

    internal ImagePool(int width, int height, ImageFormat format, byte[][] images)
    {
        Width = width;
        Height = height;
        Format = format;
        ContentType = format == ImageFormat.Png ? "image/png" : "image/jpeg";
        _images = images;
        foreach (byte[] image in images)
        {
            TotalBytes += image.Length;
        }
    }

    /// <summary>Width of every image, pixels.</summary>
    public int Width { get; }

    /// <summary>Height of every image, pixels.</summary>
    public int Height { get; }

    /// <summary>How the images are encoded.</summary>
    public ImageFormat Format { get; }

    /// <summary>The media type sent with each image: <c>image/jpeg</c> or <c>image/png</c>.</summary>
    public string ContentType { get; }

    /// <summary>Number of distinct images.</summary>
    public int Count => _images.Length;

    /// <summary>Encoded size of all images together, bytes.</summary>
    public long TotalBytes { get; }

    /// <summary>Encoded size of one image on average, bytes.</summary>
    public long AverageBytes => TotalBytes / _images.Length;

    /// <summary>The encoded image at <paramref name="index"/> (0 to <see cref="Count"/> − 1).</summary>
    public ReadOnlyMemory<byte> this[int index] => _images[index];

    /// <summary>The next image in round-robin order, shared across all users, as a body with <see cref="ContentType"/>.</summary>
    /// <returns>A new content over the shared bytes; sending it does not copy them.</returns>
    public HttpContent Next() => Payloads.Content(NextBytes(), ContentType);

    /// <summary>A uniformly random image picked with <paramref name="random"/> (pass <see cref="User.Random"/> for a reproducible run).</summary>
    /// <param name="random">The caller's random source; not shared between threads.</param>
    /// <returns>A new content over the shared bytes.</returns>
    public HttpContent Next(Random random) => Payloads.Content(NextBytes(random), ContentType);

    /// <summary>The next image's encoded bytes, in the same round-robin order as <see cref="Next()"/>.</summary>
    /// <returns>The pool's own array: do not change it.</returns>
    public byte[] NextBytes()
    {
        long turn = Interlocked.Increment(ref _next);
        return _images[(int)(turn % _images.Length)];
    }

    /// <summary>A uniformly random image's encoded bytes, picked with <paramref name="random"/>.</summary>
    /// <param name="random">The caller's random source; not shared between threads.</param>
    /// <returns>The pool's own array: do not change it.</returns>
    public byte[] NextBytes(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return _images[random.Next(_images.Length)];
    }

    /// <summary>Enumerates the encoded images in order.</summary>
    public IEnumerator<ReadOnlyMemory<byte>> GetEnumerator()
    {
        foreach (byte[] image in _images)
        {
            yield return image;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A description such as <c>8 × 1920x1080 image/jpeg, 4.1 MB</c>.</summary>
    public override string ToString() =>
        $"{Count} × {Width}x{Height} {ContentType}, {TotalBytes / 1_000_000.0:0.0} MB";
}
