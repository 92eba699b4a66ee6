using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Stampede.Demo.Inference;

namespace Stampede.Demo.Http;

/// <summary>
/// <c>POST /predict</c>: an image (JPEG or PNG body, or JSON <c>{"image":"&lt;base64&gt;"}</c>) in; the embedding's
/// first values, the nearest prototype and the server's own stage timings out.
/// </summary>
internal sealed class PredictEndpoint
{
    private const int EmbeddingPreviewLength = 8;
    private static readonly JsonEncodedText ImageProperty = JsonEncodedText.Encode("image");

    private readonly WorkerPool _pool;
    private readonly int _maxBodyBytes;

    public PredictEndpoint(WorkerPool pool, int maxBodyBytes)
    {
        _pool = pool;
        _maxBodyBytes = maxBodyBytes;
    }

    private enum BodyKind
    {
        Unsupported,
        Image,
        Json,
    }

    public async Task HandleAsync(HttpContext context)
    {
        var received = Stopwatch.GetTimestamp();
        var kind = Classify(context.Request.ContentType);
        if (kind == BodyKind.Unsupported)
        {
            await JsonResponses.WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type '{context.Request.ContentType}' is not accepted; send image/jpeg, image/png or application/json with {{\"image\":\"<base64>\"}}").ConfigureAwait(false);
            return;
        }

        if (_pool.Host.FailureMessage is { } failure)
        {
            await JsonResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, failure).ConfigureAwait(false);
            return;
        }

        using var body = await RequestBody.ReadAsync(context.Request, _maxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body.Status == BodyStatus.TooLarge)
        {
            await JsonResponses.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"the body is larger than the limit of {_maxBodyBytes} bytes").ConfigureAwait(false);
            return;
        }

        if (body.Status == BodyStatus.Empty)
        {
            await JsonResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "the body is empty; send an image").ConfigureAwait(false);
            return;
        }

        byte[]? decoded = null;
        try
        {
            byte[] image = body.Buffer;
            var length = body.Length;
            if (kind == BodyKind.Json)
            {
                if (!TryDecodeJsonImage(body.Span, out var pooled, out length, out var error))
                {
                    await JsonResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
                    return;
                }

                decoded = pooled;
                image = pooled;
            }

            var job = InferenceJob.ForImage(image, length, received, context.RequestAborted);
            if (!_pool.TryEnqueue(job))
            {
                await RejectAsync(context, _pool).ConfigureAwait(false);
                return;
            }

            // Always wait for the worker, even if the client left: it may still be reading the buffer.
            var result = await job.Completion.ConfigureAwait(false);
            if (!result.Succeeded)
            {
                await JsonResponses.WriteErrorAsync(context, result.ErrorStatus, result.ErrorMessage ?? "inference failed").ConfigureAwait(false);
                return;
            }

            var totalMs = Stopwatch.GetElapsedTime(received).TotalMilliseconds;
            await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, (result, totalMs), static (writer, state) => WriteResult(writer, state.result, state.totalMs)).ConfigureAwait(false);
        }
        finally
        {
            if (decoded is not null)
            {
                ArrayPool<byte>.Shared.Return(decoded);
            }
        }
    }

    /// <summary>Answers 503 for a job the pool refused: the queue is full, or the server is stopping.</summary>
    internal static Task RejectAsync(HttpContext context, WorkerPool pool)
    {
        if (pool.Host.FailureMessage is { } failure)
        {
            return JsonResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, failure);
        }

        pool.Metrics.Rejected();
        return JsonResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable,
            $"the server is at capacity ({pool.Capacity} requests already queued) or stopping; retry later");
    }

    private static BodyKind Classify(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return BodyKind.Unsupported;
        }

        var type = mediaType.MediaType;
        if (type.Equals("image/jpeg", StringComparison.OrdinalIgnoreCase)
            || type.Equals("image/jpg", StringComparison.OrdinalIgnoreCase)
            || type.Equals("image/png", StringComparison.OrdinalIgnoreCase))
        {
            return BodyKind.Image;
        }

        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase) ? BodyKind.Json : BodyKind.Unsupported;
    }

    /// <summary>Finds <c>"image"</c> in a JSON object and decodes its base64 (a <c>data:…;base64,</c> prefix is allowed) into a pooled buffer.</summary>
    private static bool TryDecodeJsonImage(ReadOnlySpan<byte> json, out byte[] image, out int length, out string error)
    {
        image = [];
        length = 0;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the JSON body must be an object: {\"image\":\"<base64>\"}";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals(ImageProperty.EncodedUtf8Bytes))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    error = "\"image\" must be a base64 string";
                    return false;
                }

                return TryDecodeBase64(ref reader, out image, out length, out error);
            }

            error = "the JSON body has no \"image\" property; send {\"image\":\"<base64>\"}";
            return false;
        }
        catch (JsonException exception)
        {
            error = $"the body is not valid JSON: {exception.Message}";
            return false;
        }
    }

    private static bool TryDecodeBase64(ref Utf8JsonReader reader, out byte[] image, out int length, out string error)
    {
        // Base64 never needs escaping; an escaped string (e.g. "\/") is unescaped into a copy first.
        ReadOnlySpan<byte> text = reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
        if (text.StartsWith("data:"u8))
        {
            var comma = text.IndexOf((byte)',');
            text = comma < 0 ? [] : text[(comma + 1)..];
        }

        image = [];
        length = 0;
        if (text.IsEmpty)
        {
            error = "\"image\" is empty; send a base64-encoded JPEG or PNG";
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(text.Length));
        var status = Base64.DecodeFromUtf8(text, buffer, out _, out var written);
        if (status != OperationStatus.Done || written == 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            error = "\"image\" is not valid base64";
            return false;
        }

        image = buffer;
        length = written;
        error = string.Empty;
        return true;
    }

    private static void WriteResult(Utf8JsonWriter writer, InferenceResult result, double totalMs)
    {
        var embedding = result.Embedding!;
        writer.WriteStartObject();
        writer.WriteString("model", ResNetModel.Name);
        writer.WriteNumber("embeddingDimension", embedding.Length);
        writer.WriteStartArray("embedding");
        for (var i = 0; i < Math.Min(EmbeddingPreviewLength, embedding.Length); i++)
        {
            writer.WriteNumberValue(embedding[i]);
        }

        writer.WriteEndArray();
        writer.WriteString("label", PrototypeSet.Names[result.LabelIndex]);
        writer.WriteNumber("labelIndex", result.LabelIndex);
        writer.WriteNumber("similarity", result.Similarity);
        writer.WriteStartObject("timings");
        writer.WriteNumber("decodeMs", Round(result.DecodeMs));
        writer.WriteNumber("resizeMs", Round(result.ResizeMs));
        writer.WriteNumber("inferenceMs", Round(result.InferenceMs));
        writer.WriteNumber("queueMs", Round(result.QueueMs));
        writer.WriteNumber("totalMs", Round(totalMs));
        writer.WriteEndObject();
        writer.WriteStartObject("image");
        writer.WriteNumber("width", result.ImageWidth);
        writer.WriteNumber("height", result.ImageHeight);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static double Round(double milliseconds) => Math.Round(milliseconds, 3);
}
