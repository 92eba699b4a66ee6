// A Stampede load test of an image model: seven 224×224 JPEGs for every three 1920×1080 ones, posted to
// /predict as image/jpeg, with 0.5–2 s of think time per user.
//
// Try it against the bundled demo ML API (ResNet-18 on http://127.0.0.1:8080):
//   stampede serve-demo                        (in another terminal)
//   stampede run {{FILE}} --host http://127.0.0.1:8080 --users 20 --spawn-rate 2 --run-time 1m --headless --html report.html
// Leave out --headless for the live web dashboard; `stampede run {{FILE}} --help` lists every flag.
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

// Images.Small and Images.Large are pools of eight synthetic, photo-like JPEGs each, drawn once from a seed
// (about half a second of CPU): draw them before the run starts, so that no request waits for them.
// Other sizes and PNGs: Images.Create(640, 480, ImageFormat.Png); your own files: Feeders (docs/payloads.md).
_ = (Images.Small, Images.Large);
return await StampedeApp.RunAsync(args, typeof(ImageUser));

/// <summary>A client of an image classifier: mostly small images, some high-resolution ones.</summary>
public sealed class ImageUser : HttpUser
{
    public override WaitTime WaitTime => WaitTime.Between(0.5, 2.0);

    [Task(7)]
    public Task SmallImage() => Client.PostAsync("/predict", Images.Small.Next(), name: "predict small", check: HasLabel);

    [Task(3)]
    public Task LargeImage() => Client.PostAsync("/predict", Images.Large.Next(), name: "predict large", check: HasLabel);

    // A 200 without a label is a broken answer, not a success.
    private static void HasLabel(HttpResult result)
    {
        if (result.IsSuccess && !result.Text.Contains("\"label\"", StringComparison.Ordinal))
        {
            result.Failure("the answer has no label");
        }
    }
}
