#:project ../src/Stampede/Stampede.csproj
#:property PublishAot=false
// A scenario for any image-model endpoint that takes POST /predict:
//   dotnet run examples/predict.cs -- --host http://127.0.0.1:8080 --users 100 --spawn-rate 10 --run-time 2m --headless --csv out/run --json out/run.json
using System.Net.Http.Headers;
using Stampede;

return await StampedeApp.RunAsync(args, typeof(PredictUser));

/// <summary>Seven small requests for every three large ones, with 0.5–2 s of think time.</summary>
public sealed class PredictUser : HttpUser
{
    public override WaitTime WaitTime => WaitTime.Between(0.5, 2.0); // seconds

    public override Task OnStartAsync() => Task.CompletedTask;

    [Task(7)]
    public Task Small() => Client.PostAsync("/predict", Payloads.Small(), name: "predict small");

    [Task(3)]
    public Task Large() => Client.PostAsync("/predict", Payloads.Large(), name: "predict large");
}

/// <summary>Request bodies: 16 KiB and 512 KiB of seeded bytes (real images come with the demo).</summary>
internal static class Payloads
{
    private static readonly byte[] SmallBody = Bytes(16 * 1024, seed: 1);
    private static readonly byte[] LargeBody = Bytes(512 * 1024, seed: 2);

    public static HttpContent Small() => Content(SmallBody);

    public static HttpContent Large() => Content(LargeBody);

    private static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
