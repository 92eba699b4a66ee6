// A Stampede load test in the open model: requests arrive at a fixed rate, whatever the server's speed (k6's
// constant-arrival-rate, MLPerf LoadGen's server scenario), and each latency counts from the request's
// *intended* start, so a server that stalls is charged for every request it kept waiting. A crowd of users
// that wait for each answer (the closed model, --users) would slow down with the server and hide that.
//
// Try it against the bundled demo ML API (an image model on http://127.0.0.1:8080):
//   stampede serve-demo                        (in another terminal)
//   stampede run {{FILE}} --host http://127.0.0.1:8080 --rate 10 --run-time 1m --headless
// --rate R: iterations (one task each) per second; without it this file asks for 2/s. --arrivals poisson for
// random gaps, --rate-stages 30s:20,1m:20 to ramp, --max-users to cap concurrent iterations (an arrival that
// finds them all busy is dropped and counted). `stampede run {{FILE}} --help` lists every flag.
//
// To run it with `dotnet run {{FILE}} -- --host …` instead, without the stampede tool, reference the library:
// uncomment the #:package line below once the Stampede package is on a NuGet feed you use (a local folder
// feed works: `dotnet nuget add source /path/to/packages`). `stampede run` ignores that line and uses its own.
// #:package Stampede@{{VERSION}}
#:property PublishAot=false
// Server GC: with thousands of users the default GC pauses the generator every second (see docs/gc.md).
#:property ServerGarbageCollection=true
#:property GarbageCollectionAdaptationMode=0
using Stampede;
using Stampede.Http;

bool loadGiven = args.Any(a => a.StartsWith("--rate", StringComparison.Ordinal) || a is "--users" or "-u" or "--stages")
    || Environment.GetEnvironmentVariable("STAMPEDE_RATE") is not null;
_ = Images.Small; // draw the image pool before the clock starts
return await StampedeApp.RunAsync(loadGiven ? args : ["--rate", "2", .. args], typeof(ArrivalUser));

/// <summary>What each arrival does: one task, picked by weight. No think time: the schedule sets the pace.</summary>
public sealed class ArrivalUser : HttpUser
{
    [Task]
    public Task Predict() => Client.PostAsync("/predict", Images.Small.Next(), name: "predict", check: HasLabel);

    private static void HasLabel(HttpResult result)
    {
        if (result.IsSuccess && !result.Text.Contains("\"label\"", StringComparison.Ordinal))
        {
            result.Failure("the answer has no label");
        }
    }
}
