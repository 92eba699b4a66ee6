#:project ../src/Stampede/Stampede.csproj
#:property PublishAot=false
#:property ServerGarbageCollection=true
#:property GarbageCollectionAdaptationMode=0
// A scenario for any image-model endpoint that takes POST /predict:
//   dotnet run examples/predict.cs -- --host http://127.0.0.1:8080 --users 100 --spawn-rate 10 --run-time 2m --headless --csv out/run --json out/run.json
using Stampede;

return await StampedeApp.RunAsync(args, typeof(PredictUser));

/// <summary>Seven 224×224 JPEGs for every three 1920×1080 ones, with 0.5–2 s of think time.</summary>
public sealed class PredictUser : HttpUser
{
    public override WaitTime WaitTime => WaitTime.Between(0.5, 2.0); // seconds

    public override Task OnStartAsync() => Task.CompletedTask;

    [Task(7)]
    public Task Small() => Client.PostAsync("/predict", Images.Small.Next(), name: "predict small");

    [Task(3)]
    public Task Large() => Client.PostAsync("/predict", Images.Large.Next(), name: "predict large");
}
