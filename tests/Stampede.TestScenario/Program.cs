using Stampede;

// TEST_SCENARIO=mix runs a 70/30 mix of two user classes (the distributed-run tests); anything else, SteadyUser.
Type[] users = Environment.GetEnvironmentVariable("TEST_SCENARIO") == "mix" ? [typeof(SmallUser), typeof(LargeUser)] : [typeof(SteadyUser)];
return await StampedeApp.RunAsync(args, users);

/// <summary>A user that asks for /ok ten times a second.</summary>
internal sealed class SteadyUser : HttpUser
{
    public override WaitTime WaitTime => WaitTime.ConstantPacing(0.1);

    [Task]
    public Task Ok() => Client.GetAsync("/ok");
}

/// <summary>Seven of every ten users: a short request ten times a second.</summary>
[Weight(7)]
internal sealed class SmallUser : HttpUser
{
    public override WaitTime WaitTime => WaitTime.ConstantPacing(0.1);

    [Task]
    public Task Small() => Client.GetAsync("/delay?ms=20", name: "small");
}

/// <summary>Three of every ten users: a longer request ten times a second.</summary>
[Weight(3)]
internal sealed class LargeUser : HttpUser
{
    public override WaitTime WaitTime => WaitTime.ConstantPacing(0.1);

    [Task]
    public Task Large() => Client.GetAsync("/delay?ms=40", name: "large");
}
