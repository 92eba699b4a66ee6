namespace Stampede.Core.Tests.Payloads;

/// <summary>Runs a body on several dedicated threads released together, as many virtual users would call a shared payload source.</summary>
internal static class Concurrently
{
    public static void Run(int threads, Action body)
    {
        // Dedicated threads, not the pool: a barrier on pool threads waits for the pool to grow (about 0.5 s a thread).
        using var start = new Barrier(threads);
        Task[] tasks = Enumerable.Range(0, threads)
            .Select(_ => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait();
                    body();
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default))
            .ToArray();
        Task.WaitAll(tasks, TimeSpan.FromSeconds(30)).ShouldBeTrue("every thread finishes");
    }
}
