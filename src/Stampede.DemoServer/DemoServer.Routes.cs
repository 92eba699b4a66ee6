using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Stampede.Demo.Grpc;
using Stampede.Demo.Http;
using Stampede.Demo.Llm;
using Stampede.Demo.Telemetry;

namespace Stampede.Demo;

public sealed partial class DemoServer
{
    private WebApplication BuildApplication()
    {
        // The empty builder reads no appsettings.json, environment variables or command line of the host process,
        // and logs nothing: the server is a library inside the stampede tool and the tests.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DemoServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = _options.MaxBodyBytes;

            // Kestrel cannot pick a free port for "localhost" (two sockets), so localhost means 127.0.0.1 here.
            var address = DemoServerOptions.IsLocalhost(_options.Host) ? IPAddress.Loopback : IPAddress.Parse(_options.Host);
            kestrel.Listen(address, _options.Port);
            if (_options.GrpcPort is { } grpcPort)
            {
                kestrel.Listen(address, grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            }
        });
        if (_options.GrpcPort is not null)
        {
            builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, _options.MaxBodyBytes));
            builder.Services.AddSingleton(new GrpcInferenceEndpoint(_pool, _options.AddedLatency));
        }

        var app = builder.Build();
        var maxBodyBytes = (int)_options.MaxBodyBytes;
        var predict = new PredictEndpoint(_pool, maxBodyBytes);
        var kserve = new KServeEndpoints(_pool, maxBodyBytes);
        var tfServing = new TfServingEndpoints(_pool, maxBodyBytes);
        var requestMetrics = new RequestMetricsMiddleware(_metrics);

        app.UseRouting();
        app.Use(requestMetrics.InvokeAsync);
        app.MapGet("/", IndexAsync);
        app.MapPost("/predict", Slowed(predict.HandleAsync));
        app.MapGet("/metrics", MetricsAsync);
        app.MapGet("/v2", kserve.ServerMetadataAsync);
        app.MapGet("/v2/health/live", kserve.LiveAsync);
        app.MapGet("/v2/health/ready", kserve.ReadyAsync);
        app.MapGet(KServeEndpoints.ModelRoute, kserve.ModelMetadataAsync);
        app.MapGet(KServeEndpoints.ModelRoute + "/ready", kserve.ReadyAsync);
        app.MapPost(KServeEndpoints.InferRoute, Slowed(kserve.InferAsync));
        app.MapGet(TfServingEndpoints.ModelRoute, tfServing.StatusAsync);
        app.MapGet(TfServingEndpoints.MetadataRoute, tfServing.MetadataAsync);
        app.MapPost(TfServingEndpoints.PredictRoute, Slowed(tfServing.PredictAsync));
        if (_options.GrpcPort is not null)
        {
            app.MapGrpcService<GrpcInferenceEndpoint>();
        }

        if (_llm is not null)
        {
            var llm = new LlmEndpoints(_options.Llm!, _llm, maxBodyBytes);
            app.MapPost(LlmEndpoints.ChatRoute, llm.ChatAsync);
            app.MapPost(LlmEndpoints.CompletionsRoute, llm.CompletionsAsync);
            app.MapGet(LlmEndpoints.ModelsRoute, llm.ModelsAsync);
        }

        return app;
    }

    /// <summary>The handler, after <see cref="DemoServerOptions.AddedLatency"/> when one is set.</summary>
    private RequestDelegate Slowed(RequestDelegate handler)
    {
        TimeSpan added = _options.AddedLatency;
        if (added <= TimeSpan.Zero)
        {
            return handler;
        }

        return async context =>
        {
            await Task.Delay(added, context.RequestAborted).ConfigureAwait(false);
            await handler(context).ConfigureAwait(false);
        };
    }

    private Task MetricsAsync(HttpContext context)
    {
        var text = Encoding.UTF8.GetBytes(_metrics.Export());
        context.Response.ContentType = PrometheusTextWriter.ContentType;
        context.Response.ContentLength = text.Length;
        return context.Response.Body.WriteAsync(text, context.RequestAborted).AsTask();
    }

    private Task IndexAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var llm = _llm is null ? string.Empty :
            $$"""
              POST {{LlmEndpoints.ChatRoute}}        LLM timing simulator (not a language model), OpenAI chat JSON, "stream" optional
              POST {{LlmEndpoints.CompletionsRoute}}             LLM timing simulator, OpenAI completions JSON
              GET  {{LlmEndpoints.ModelsRoute}}                  the simulator's one model name, as OpenAI lists models

            """;
        return context.Response.WriteAsync(
            $$"""
            Stampede demo ML API: ResNet-18 on ONNX Runtime (CPU).
              POST /predict                    image/jpeg, image/png or application/json {"image":"<base64>"}
              POST {{KServeEndpoints.InferRoute}}   KServe v2, one FP32 [1,3,224,224] input, JSON or binary tensor data
              POST {{TfServingEndpoints.PredictRoute}}  TensorFlow Serving REST, row ("instances") or columnar ("inputs")
              GET  {{TfServingEndpoints.ModelRoute}}         TensorFlow Serving model status (/metadata: its signature)
              GET  {{KServeEndpoints.ModelRoute}}         KServe v2 model metadata
              GET  /v2/health/live             KServe v2 liveness
              GET  /v2/health/ready            KServe v2 readiness (503 until the model is warmed up)
              GET  /metrics                    Prometheus text format
            {{llm}}
            """,
            context.RequestAborted);
    }

    /// <summary>
    /// The server never reacts to Ctrl+C or SIGTERM itself: the program that embeds it (the stampede tool, a test)
    /// owns the process's signals and stops it through <see cref="StopAsync"/>.
    /// </summary>
    private sealed class EmbeddedHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
