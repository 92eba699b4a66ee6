// A Stampede load test. Virtual users (classes deriving from HttpUser) run their [Task] methods, picked by
// weight, with think time between them, like Locust's users; every request is timed and recorded.
//
// Try it against the bundled demo ML API (an image model on http://127.0.0.1:8080):
//   stampede serve-demo                        (in another terminal)
//   stampede run {{FILE}} --host http://127.0.0.1:8080 --users 10 --spawn-rate 2 --run-time 30s --headless
// Leave out --headless for the live web dashboard; add --html report.html --json run.json for the reports;
// `stampede run {{FILE}} --help` lists every flag.
//
// To run it with `dotnet run {{FILE}} -- --host …` instead, without the stampede tool, reference the library:
// uncomment the #:package line below once the Stampede package is on a NuGet feed you use (a local folder
// feed works: `dotnet nuget add source /path/to/packages`). `stampede run` ignores that line and uses its own.
// #:package Stampede@{{VERSION}}
#:property PublishAot=false
// Server GC: with thousands of users the default GC pauses the generator every second (see docs/gc.md).
#:property ServerGarbageCollection=true
#:property GarbageCollectionAdaptationMode=0
using System.Net.Http.Json;
using Stampede;

return await StampedeApp.RunAsync(args, typeof(ApiUser));

/// <summary>A client of a JSON API: it reads the model's metadata now and then, and mostly asks for predictions.</summary>
public sealed class ApiUser : HttpUser
{
    // One small JPEG, encoded once, sent as base64 in every JSON body ({"image": "..."}).
    private static readonly string Picture = Convert.ToBase64String(Images.Small.NextBytes());

    // Seconds each user waits between two tasks.
    public override WaitTime WaitTime => WaitTime.Between(0.5, 2.0);

    // Runs once per user, before its first task: log in, set headers, fetch a token...
    public override Task OnStartAsync()
    {
        Client.DefaultRequestHeaders.Add("X-Client", "stampede");
        return Task.CompletedTask;
    }

    // Weight 1: one request in four. `name` is the row in the statistics; `check` can fail a 200 with a wrong body.
    [Task(1)]
    public Task Metadata() => Client.GetAsync("/v2/models/resnet18", name: "model metadata", check: result =>
    {
        if (result.IsSuccess && !result.Text.Contains("\"inputs\"", StringComparison.Ordinal))
        {
            result.Failure("the metadata has no inputs");
        }
    });

    // Weight 3: three requests in four.
    [Task(3)]
    public Task Predict() => Client.PostAsync("/predict", JsonContent.Create(new { image = Picture }), name: "predict (json)", check: result =>
    {
        if (result.IsSuccess && result.Json<Prediction>()?.Label is null)
        {
            result.Failure("the answer has no label");
        }
    });

    private sealed record Prediction(string? Label, double Similarity);
}
