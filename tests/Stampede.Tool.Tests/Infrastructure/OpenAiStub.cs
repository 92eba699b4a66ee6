using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Stampede.Tool.Tests.Infrastructure;

/// <summary>
/// A stand-in for an OpenAI-compatible chat server on 127.0.0.1 (free port): <c>POST /v1/chat/completions</c> answers
/// one fixed completion, whole or streamed as server-sent events (a token an event, then usage and <c>[DONE]</c>) when
/// the request asks for <c>"stream": true</c>, and counts the requests, the streamed ones and the model names asked for.
/// </summary>
public sealed class OpenAiStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _streamed;

    private OpenAiStub(WebApplication app) => _app = app;

    public string Address { get; private set; } = string.Empty;

    public int Requests => Volatile.Read(ref _requests);

    public int Streamed => Volatile.Read(ref _streamed);

    /// <summary>The <c>model</c> of the requests, each once.</summary>
    public HashSet<string> Models { get; } = [];

    public static async Task<OpenAiStub> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        var stub = new OpenAiStub(app);
        app.MapPost("/v1/chat/completions", (Delegate)stub.CompleteAsync);
        await app.StartAsync();
        stub.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> CompleteAsync(HttpContext context)
    {
        using JsonDocument request = await JsonDocument.ParseAsync(context.Request.Body);
        if (!request.RootElement.TryGetProperty("messages", out JsonElement messages) || messages.GetArrayLength() == 0)
        {
            return Results.BadRequest(new { error = new { message = "messages is required" } });
        }

        string model = request.RootElement.GetProperty("model").GetString() ?? string.Empty;
        lock (Models)
        {
            Models.Add(model);
        }

        Interlocked.Increment(ref _requests);
        if (request.RootElement.TryGetProperty("stream", out JsonElement stream) && stream.ValueKind == JsonValueKind.True)
        {
            Interlocked.Increment(ref _streamed);
            context.Response.ContentType = "text/event-stream";
            foreach (string token in (string[])["The", " latency", " that", " 99%", " of", " requests", " stay", " under", "."])
            {
                await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(new { choices = new[] { new { index = 0, delta = new { content = token } } } })}\n\n");
                await context.Response.Body.FlushAsync();
            }

            await context.Response.WriteAsync("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,\"total_tokens\":21}}\n\ndata: [DONE]\n\n");
            return Results.Empty;
        }

        return Results.Json(new
        {
            id = "chatcmpl-stub",
            @object = "chat.completion",
            model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "The latency that 99% of requests stay under." }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 12, completion_tokens = 9, total_tokens = 21 },
        });
    }
}
