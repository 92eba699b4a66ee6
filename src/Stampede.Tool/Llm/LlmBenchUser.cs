namespace Stampede.Tool.Llm;

/// <summary>
/// The user of <c>stampede llm</c>: one request after another, no think time, each the next prompt of the run's
/// <see cref="LlmBenchPlan"/>. Closed model with <c>--users</c>, or one request per arrival with <c>--rate</c>.
/// </summary>
internal sealed class LlmBenchUser : HttpUser
{
    private LlmBenchPlan? _plan;

    public override Task OnStartAsync()
    {
        _plan = LlmBenchPlan.Current ?? throw new InvalidOperationException("stampede llm: no benchmark plan is set for this run.");
        _plan.Configure(Llm);
        return Task.CompletedTask;
    }

    [Task]
    public Task Generate() => _plan!.SendAsync(Llm, Random);
}
