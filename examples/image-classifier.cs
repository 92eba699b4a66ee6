#:project ../src/Stampede/Stampede.csproj
#:property PublishAot=false
#:property ServerGarbageCollection=true
#:property GarbageCollectionAdaptationMode=0
// The demo's scenario: seven 224×224 images for every three 1920×1080 ones, posted to an image
// model, with 0.5–2 s of think time. `stampede demo` runs this class against its bundled server;
// against your own (or `stampede serve-demo`):
//   dotnet run examples/image-classifier.cs -- --host http://127.0.0.1:8080 --users 40 --spawn-rate 2 --run-time 1m --headless
using Stampede;
#if !STAMPEDE_TOOL
return await StampedeApp.RunAsync(args, typeof(ImageClassifierUser));
#endif

/// <summary>A client of an image classifier: mostly small images, some high-resolution ones.</summary>
public sealed class ImageClassifierUser : HttpUser
{
    public override WaitTime WaitTime => WaitTime.Between(0.5, 2.0);

    // Draw both image pools (about half a second of CPU) before this user's first request, so that no
    // request waits for them; with --rate, users start before the schedule's clock does.
    public override Task OnStartAsync()
    {
        _ = Images.Small;
        _ = Images.Large;
        return Task.CompletedTask;
    }

    [Task(7)]
    public Task SmallImage() => Client.PostAsync("/predict", Images.Small.Next(), name: "predict small", check: HasLabel);

    [Task(3)]
    public Task LargeImage() => Client.PostAsync("/predict", Images.Large.Next(), name: "predict large", check: HasLabel);

    // A 200 without a label is a broken answer, not a success.
    private static void HasLabel(Stampede.Http.HttpResult result)
    {
        if (result.IsSuccess && !result.Text.Contains("\"label\"", StringComparison.Ordinal))
        {
            result.Failure("the answer has no label");
        }
    }
}
