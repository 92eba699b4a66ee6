using Stampede;

return await StampedeApp.RunAsync(args, typeof(SteadyUser));

/// <summary>A user that asks for /ok ten times a second.</summary>
internal sealed class SteadyUser : HttpUser
{
    public override WaitTime WaitTime => WaitTime.ConstantPacing(0.1);

    [Task]
    public Task Ok() => Client.GetAsync("/ok");
}
