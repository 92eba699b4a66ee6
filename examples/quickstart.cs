#:sdk Microsoft.NET.Sdk.Web
#:project ../src/Stampede/Stampede.csproj
#:property PublishAot=false
#:property ServerGarbageCollection=true
#:property GarbageCollectionAdaptationMode=0
// The quickest look at Stampede: with no --host, this starts a small simulated model server on
// 127.0.0.1 (small requests take ~15 ms, large ones ~60 ms, with a long tail) and loads it.
//   dotnet run examples/quickstart.cs -- --users 50 --spawn-rate 10 --run-time 30s --headless
// Pass --host to load your own endpoint instead (it must answer GET /predict?size=small|large).
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Stampede;

WebApplication? target = null;
string[] arguments = args;
bool hostGiven = args.Any(a => a is "--host" or "-H" || a.StartsWith("--host=", StringComparison.Ordinal))
    || Environment.GetEnvironmentVariable("STAMPEDE_HOST") is not null;
if (!hostGiven && !args.Contains("--help") && !args.Contains("-h"))
{
    target = SimulatedModel.Create();
    await target.StartAsync();
    string address = target.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    Console.WriteLine($"Simulated model server on {address}");
    arguments = [.. args, "--host", address];
}

int exitCode = await StampedeApp.RunAsync(arguments, typeof(PredictUser));
if (target is not null)
{
    await target.StopAsync();
}

return exitCode;

/// <summary>Seven small requests for every three large ones, 0.1–0.5 s of think time.</summary>
public sealed class PredictUser : HttpUser
{
    public override WaitTime WaitTime => WaitTime.Between(0.1, 0.5);

    [Task(7)]
    public Task Small() => Client.GetAsync("/predict?size=small", name: "predict small");

    [Task(3)]
    public Task Large() => Client.GetAsync("/predict?size=large", name: "predict large");
}

/// <summary>A stand-in for an inference server: log-normal service times, loopback only.</summary>
internal static class SimulatedModel
{
    public static WebApplication Create()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        app.MapGet("/predict", async (string? size) =>
        {
            double median = size == "large" ? 60 : 15;
            double ms = median * Math.Exp(0.35 * Gaussian());
            await Task.Delay(TimeSpan.FromMilliseconds(ms));
            return Results.Json(new { size, label = "tabby cat", ms = Math.Round(ms, 3) });
        });
        return app;
    }

    private static double Gaussian()
    {
        double u1 = 1.0 - Random.Shared.NextDouble();
        double u2 = Random.Shared.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
