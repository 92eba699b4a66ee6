using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Stampede.Demo.Http;

/// <summary>Writes JSON answers, and errors as <c>{"error":"…"}</c> (the KServe v2 error shape, used on every route).</summary>
internal static class JsonResponses
{
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Seconds a client is asked to wait after a 503 (the Retry-After header).</summary>
    public const string RetryAfterSeconds = "1";

    public static Task WriteAsync<TState>(HttpContext context, int status, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, state);
        }

        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
        }

        return WriteAsync(context, status, message, static (writer, text) =>
        {
            writer.WriteStartObject();
            writer.WriteString("error", text);
            writer.WriteEndObject();
        });
    }
}
