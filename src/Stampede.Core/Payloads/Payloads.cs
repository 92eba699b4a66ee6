using System.Net.Http.Headers;

namespace Stampede;

/// <summary>
/// Ready-made request bodies for scenarios that need a payload of a given size and nothing more.
/// Bodies are generated once, from a fixed seed, and shared: a call wraps the same bytes in a new
/// <see cref="HttpContent"/> without copying or encoding anything on the request path.
/// </summary>
public static class Payloads
{
    /// <summary>Size of <see cref="Small"/>, bytes (about a 224×224 JPEG).</summary>
    public const int SmallSize = 16 * 1024;

    /// <summary>Size of <see cref="Large"/>, bytes (about a 1920×1080 JPEG).</summary>
    public const int LargeSize = 512 * 1024;

    private static readonly Lazy<byte[]> SmallBody = new(() => SeededBytes(SmallSize, seed: 1));
    private static readonly Lazy<byte[]> LargeBody = new(() => SeededBytes(LargeSize, seed: 2));

    /// <summary>A 16 KiB <c>application/octet-stream</c> body of seeded random bytes.</summary>
    public static HttpContent Small() => Content(SmallBody.Value, "application/octet-stream");

    /// <summary>A 512 KiB <c>application/octet-stream</c> body of seeded random bytes.</summary>
    public static HttpContent Large() => Content(LargeBody.Value, "application/octet-stream");

    /// <summary>Wraps <paramref name="body"/> (not copied; do not change it afterwards) with a content type.</summary>
    /// <param name="body">The bytes to send.</param>
    /// <param name="contentType">A media type such as <c>image/jpeg</c>.</param>
    public static HttpContent Content(byte[] body, string contentType)
    {
        ArgumentNullException.ThrowIfNull(body);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    /// <summary><paramref name="length"/> bytes from a generator seeded with <paramref name="seed"/>: the same bytes on every machine.</summary>
    public static byte[] SeededBytes(int length, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
