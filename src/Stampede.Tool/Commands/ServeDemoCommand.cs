using System.CommandLine;
using Stampede.Demo;
using Stampede.Demo.Llm;

namespace Stampede.Tool.Commands;

/// <summary><c>stampede serve-demo</c>: the demo ML API alone, so any load generator can be pointed at it.</summary>
internal static class ServeDemoCommand
{
    /// <summary>The hidden flag that makes the server stop when its standard input closes, i.e. when the parent that started it ends.</summary>
    public const string StopWhenStdinClosesFlag = "--stop-when-stdin-closes";

    public static Command Create()
    {
        var defaults = new DemoServerOptions();
        var port = new Option<int>("--port", "-p") { Description = "TCP port (default 8080; 0 picks a free one).", DefaultValueFactory = _ => 8080 };
        port.CustomParser = r => ToolParsers.Int(r, "--port", min: 0, max: 65535);
        var grpcPort = new Option<int?>("--grpc-port") { Description = "Also serve the KServe v2 gRPC API (plain-text HTTP/2) on this port (0 picks a free one; default: no gRPC)." };
        grpcPort.CustomParser = r => ToolParsers.Int(r, "--grpc-port", min: 0, max: 65535);
        var bind = new Option<string>("--bind") { Description = "Address to listen on (default 127.0.0.1, loopback only).", DefaultValueFactory = _ => "127.0.0.1" };
        var workers = new Option<int>("--workers") { Description = "Inference workers (default: the cores).", DefaultValueFactory = _ => defaults.Workers };
        workers.CustomParser = r => ToolParsers.Int(r, "--workers", min: 1, max: 256);
        var maxQueue = new Option<int>("--max-queue") { Description = $"Requests that may wait for a worker before the server answers 503 (default {defaults.MaxQueue}).", DefaultValueFactory = _ => defaults.MaxQueue };
        maxQueue.CustomParser = r => ToolParsers.Int(r, "--max-queue", min: 1);
        var maxBody = new Option<long>("--max-body") { Description = "Largest request body; larger ones get 413 (default 20MB).", DefaultValueFactory = _ => defaults.MaxBodyBytes };
        maxBody.CustomParser = r => ToolParsers.Bytes(r, "--max-body");
        var autoscale = new Option<string?>("--autoscale") { Description = "MIN:MAX workers, added when the queue stays long and removed when idle, e.g. 1:4." };
        autoscale.Validators.Add(r =>
        {
            string token = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
            if (!DemoServerOptions.TryParseAutoscale(token, out _))
            {
                r.AddError($"--autoscale: '{token}' is not valid; give MIN:MAX workers with 1 <= MIN <= MAX, e.g. 1:4.");
            }
        });
        var coldStart = new Option<TimeSpan>("--worker-cold-start") { Description = "Time a worker added by the autoscaler takes to become ready (default 2s).", DefaultValueFactory = _ => defaults.WorkerColdStart };
        coldStart.CustomParser = r => ToolParsers.Duration(r, "--worker-cold-start");

        var addedLatency = new Option<TimeSpan>("--added-latency") { Description = "Delay every inference request by this long (e.g. 300ms): a slower model, to try thresholds and baselines against (default 0)." };
        addedLatency.CustomParser = r => ToolParsers.Duration(r, "--added-latency");

        var llmDefaults = new LlmSimulatorOptions();
        var llm = new Option<bool>("--llm") { Description = "Also serve an LLM timing simulator (not a language model): OpenAI-compatible /v1/chat/completions and /v1/completions with simulated TTFT, inter-token latency and continuous batching." };
        var llmTtft = new Option<TimeSpan>("--llm-ttft") { Description = "Simulator: base time to first token, before 0.2 ms per prompt token (default 200ms).", DefaultValueFactory = _ => llmDefaults.Ttft };
        llmTtft.CustomParser = r => ToolParsers.Duration(r, "--llm-ttft");
        var llmItl = new Option<TimeSpan>("--llm-itl") { Description = "Simulator: base gap between tokens of a sequence decoding alone (default 20ms).", DefaultValueFactory = _ => llmDefaults.Itl };
        llmItl.CustomParser = r => ToolParsers.Duration(r, "--llm-itl");
        var llmJitter = new Option<double>("--llm-jitter") { Description = "Simulator: uniform spread of each gap, a fraction from 0 to 1 (default 0).", DefaultValueFactory = _ => llmDefaults.Jitter };
        llmJitter.CustomParser = r => ToolParsers.Fraction(r, "--llm-jitter");
        var llmBatch = new Option<int>("--llm-batch") { Description = $"Simulator: sequences decoded at once; more wait in a FIFO queue (default {llmDefaults.MaxBatch}).", DefaultValueFactory = _ => llmDefaults.MaxBatch };
        llmBatch.CustomParser = r => ToolParsers.Int(r, "--llm-batch", min: 1, max: 4096);

        // Hidden: for a parent that starts this command as its child (`stampede demo`). A pipe's write end closes
        // when the process holding it ends, however it ends (even SIGKILL), so the server never outlives its parent.
        var stopWhenStdinCloses = new Option<bool>(StopWhenStdinClosesFlag) { Description = "Stop when standard input closes (the parent process ended).", Hidden = true };

        var command = new Command("serve-demo", "Run the bundled demo ML API (ResNet-18 image model; --llm adds an LLM timing simulator) until Ctrl-C.")
        {
            port, grpcPort, bind, workers, maxQueue, maxBody, autoscale, coldStart, addedLatency, llm, llmTtft, llmItl, llmJitter, llmBatch, stopWhenStdinCloses,
        };
        command.SetAction(async (result, token) =>
        {
            var options = new DemoServerOptions
            {
                Host = result.GetValue(bind)!,
                Port = result.GetValue(port),
                GrpcPort = result.GetValue(grpcPort),
                Workers = result.GetValue(workers),
                MaxQueue = result.GetValue(maxQueue),
                MaxBodyBytes = result.GetValue(maxBody),
                WorkerColdStart = result.GetValue(coldStart),
                AddedLatency = result.GetValue(addedLatency),
            };
            if (result.GetValue(llm))
            {
                options.Llm = new LlmSimulatorOptions
                {
                    Ttft = result.GetValue(llmTtft),
                    Itl = result.GetValue(llmItl),
                    Jitter = result.GetValue(llmJitter),
                    MaxBatch = result.GetValue(llmBatch),
                };
            }

            if (result.GetValue(autoscale) is { } range && DemoServerOptions.TryParseAutoscale(range, out var parsed))
            {
                options.Autoscale = parsed;
            }

            try
            {
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return 2;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
            if (result.GetValue(stopWhenStdinCloses))
            {
                StopWhenStandardInputCloses(stop);
            }

            return await DemoServer.RunAsync(options, stop.Token);
        });
        return command;
    }

    private static void StopWhenStandardInputCloses(CancellationTokenSource stop)
    {
        // A thread of its own: the read blocks for the server's whole life, and must not hold a thread-pool thread.
        var watcher = new Thread(() =>
        {
            try
            {
                using Stream input = Console.OpenStandardInput();
                byte[] buffer = new byte[256];
                while (input.Read(buffer) > 0)
                {
                    // Whatever the parent writes is ignored; only the end of the stream means something.
                }
            }
            catch (IOException)
            {
                // A broken pipe is a closed one.
            }

            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The server already stopped for another reason.
            }
        })
        {
            IsBackground = true,
            Name = "serve-demo stdin watcher",
        };
        watcher.Start();
    }
}
