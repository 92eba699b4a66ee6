namespace Stampede.Demo.Tests.Infrastructure;

/// <summary>Waits for a state another thread will reach, with a real-time bound.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because, int timeoutMs = 15_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {because}.");
            }

            await Task.Delay(5);
        }
    }
}
