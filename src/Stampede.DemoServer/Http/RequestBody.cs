using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Stampede.Demo.Http;

/// <summary>A request body read into a pooled buffer; disposing hands the buffer back.</summary>
internal sealed class RequestBody : IDisposable
{
    private const int InitialBufferBytes = 64 * 1024;

    private byte[]? _buffer;

    private RequestBody(BodyStatus status, byte[]? buffer, int length)
    {
        Status = status;
        _buffer = buffer;
        Length = length;
    }

    public BodyStatus Status { get; }

    public int Length { get; }

    /// <summary>The pooled buffer, valid for <see cref="Length"/> bytes, until disposed.</summary>
    public byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(RequestBody));

    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    /// <summary>
    /// Reads the whole body, refusing more than <paramref name="maxBytes"/>: a declared Content-Length over the limit
    /// is refused before a byte is read; a chunked body is refused as soon as it passes the limit.
    /// </summary>
    public static async Task<RequestBody> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        if (declared > maxBytes)
        {
            return new RequestBody(BodyStatus.TooLarge, null, 0);
        }

        if (declared == 0)
        {
            return new RequestBody(BodyStatus.Empty, null, 0);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declared ?? InitialBufferBytes, 1, maxBytes));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= maxBytes)
                    {
                        var probe = new byte[1];
                        if (await request.Body.ReadAsync(probe, cancellationToken).ConfigureAwait(false) > 0)
                        {
                            ArrayPool<byte>.Shared.Return(buffer);
                            return new RequestBody(BodyStatus.TooLarge, null, 0);
                        }

                        break;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own MaxRequestBodySize (set to the same limit) stopped a body without a Content-Length.
            ArrayPool<byte>.Shared.Return(buffer);
            return new RequestBody(BodyStatus.TooLarge, null, 0);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        if (length == 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return new RequestBody(BodyStatus.Empty, null, 0);
        }

        return new RequestBody(BodyStatus.Read, buffer, length);
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
