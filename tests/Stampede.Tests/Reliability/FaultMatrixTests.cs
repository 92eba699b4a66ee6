using System.Collections;
using System.Diagnostics;
using System.Text.Json;
using Spectre.Console.Testing;
using Xunit.Abstractions;

namespace Stampede.Tests.Reliability;

/// <summary>
/// The fault matrix: a crowd of users against a server that does one thing wrong each time. The generator survives, and
/// the failure reason names the fault; timeouts fire at the configured time; a runaway body is counted, not kept.
/// </summary>
public sealed class FaultMatrixTests : IDisposable
{
    /// <summary>Users per fault: 20 in the suite; <c>STAMPEDE_FAULT_USERS=50 STAMPEDE_FAULT_SECONDS=10</c> runs the issue's full matrix (docs/reliability.md).</summary>
    private static readonly int Users = int.TryParse(Environment.GetEnvironmentVariable("STAMPEDE_FAULT_USERS"), out int users) ? users : 20;

    private static readonly string Seconds = int.TryParse(Environment.GetEnvironmentVariable("STAMPEDE_FAULT_SECONDS"), out int seconds) ? $"{seconds}s" : "3s";

    private readonly string _outputs = Path.Combine(Path.GetTempPath(), "stampede-fault-tests", Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _log;

    public FaultMatrixTests(ITestOutputHelper log)
    {
        _log = log;
        Directory.CreateDirectory(_outputs);
    }

    public static TheoryData<Fault, string> Matrix => new()
    {
        { Fault.Refuse, "ConnectionRefused: the server refused the connection" },
        { Fault.ResetBeforeResponse, "ConnectionReset: the server reset the connection" },
        { Fault.ResetMidHeaders, "ConnectionReset: the server reset the connection" },
        { Fault.ResetMidBody, "ConnectionReset: the server reset the connection" },
        { Fault.GarbageStatusLine, "InvalidResponse: Received an invalid status line: 'HELLO THERE, THIS IS NOT HTTP'." },
        { Fault.InvalidChunking, "InvalidResponse: Received chunk header length could not be parsed: '7A-7A'." },
        { Fault.TrickleHeaders, "Timeout: no complete response within 1 s" },
        { Fault.NeverAnswer, "Timeout: no complete response within 1 s" },
        { Fault.CloseAfterHeaders, "ResponseEnded: the server closed the connection before the response was complete" },
        { Fault.ContentLengthTooLong, "ResponseEnded: the server closed the connection before the response was complete" },
        { Fault.ContentLengthTooShort, "" },
        { Fault.TlsHandshake, "TlsError: " },
        { Fault.Status503, "HTTP 503 Service Unavailable" },
        { Fault.Status429, "HTTP 429 Too Many Requests" },
        { Fault.Status429RetryAfter, "HTTP 429 Too Many Requests (Retry-After 2 s)" },
    };

    public void Dispose() => Directory.Delete(_outputs, recursive: true);

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task RunAsync_Fault_IsSurvivedAndNamed(Fault fault, string reason)
    {
        await using FaultServer server = FaultServer.Start(fault);
        (int exit, string output, JsonElement root) = await RunAsync(server.Address);

        JsonElement[] failures = [.. root.GetProperty("failures").EnumerateArray()];
        string[] reasons = [.. failures.Select(f => f.GetProperty("error").GetString()!).Distinct()];
        _log.WriteLine($"{fault}: exit {exit}, {root.GetProperty("aggregated").GetProperty("requests").GetInt64()} requests, reasons: {string.Join(" | ", reasons)}, peak RSS of the test process {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB");
        root.GetProperty("errors").GetArrayLength().ShouldBe(0, "no task threw: every fault is a recorded failure");
        root.GetProperty("aggregated").GetProperty("requests").GetInt64().ShouldBeGreaterThanOrEqualTo(Users, "every user's requests were recorded");
        if (reason.Length == 0)
        {
            // A response shorter than the bytes that follow it is a valid response; the connection is not reused.
            exit.ShouldBe(0, output);
            reasons.ShouldBeEmpty();
            return;
        }

        exit.ShouldBe(1, output);
        reasons.Length.ShouldBe(1, output);
        reasons[0].ShouldStartWith(reason, customMessage: output);
        if (reason.StartsWith("Timeout", StringComparison.Ordinal))
        {
            // The request timeout (1 s) fires at its time, not a crowd's queueing later. Timers run on the coarse
            // millisecond clock, so it may end a hair early: CI saw 999.4 ms.
            JsonElement percentiles = root.GetProperty("aggregated").GetProperty("percentilesMs");
            percentiles.GetProperty("50").GetDouble().ShouldBeInRange(990, 1300);
            percentiles.GetProperty("100").GetDouble().ShouldBeLessThan(2000);
        }
    }

    [Fact]
    public async Task RunAsync_HugeBodies_AreCountedButKeptOnlyUpToMaxBody()
    {
        await using FaultServer server = FaultServer.Start(Fault.HugeBody);
        FaultUser.ResetLongestKept();
        // docs/reliability.md's memory table: STAMPEDE_FAULT_HUGE_USERS=20 (and STAMPEDE_FAULT_MAX_BODY=200MiB for the
        // uncapped row, which then fails the assertions below by design) with --logger "console;verbosity=detailed".
        int users = int.TryParse(Environment.GetEnvironmentVariable("STAMPEDE_FAULT_HUGE_USERS"), out int huge) ? huge : 4;
        string maxBody = Environment.GetEnvironmentVariable("STAMPEDE_FAULT_MAX_BODY") ?? "1MiB";
        (int exit, string output, JsonElement root) = await RunAsync(server.Address, users, timeout: "20s", "--max-body", maxBody);

        JsonElement aggregated = root.GetProperty("aggregated");
        _log.WriteLine($"{aggregated.GetProperty("requests").GetInt64()} requests of {FaultServer.HugeBodyBytes} bytes at {users} users, --max-body {maxBody}: the longest body kept {FaultUser.LongestKept} bytes, peak RSS of the test process {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB");
        exit.ShouldBe(0, output);
        aggregated.GetProperty("requests").GetInt64().ShouldBeGreaterThanOrEqualTo(4);
        aggregated.GetProperty("averageContentSize").GetDouble().ShouldBe(FaultServer.HugeBodyBytes, "every byte was read and counted");
        FaultUser.LongestKept.ShouldBe(1024 * 1024, "a task sees the body's first 1 MiB");
        FaultUser.SawTruncated.ShouldBeTrue();
    }

    private async Task<(int Exit, string Output, JsonElement Root)> RunAsync(string host, int users = 0, string timeout = "1s", params string[] extra)
    {
        var console = new TestConsole();
        console.Profile.Width = 240;
        var errors = new StringWriter();
        string json = Path.Combine(_outputs, Guid.NewGuid().ToString("N") + ".json");
        users = users == 0 ? Users : users;
        string[] args = ["--host", host, "-u", $"{users}", "-r", $"{users}", "-t", Seconds, "--request-timeout", timeout, "--keep-going", "--headless", "--only-summary", "--json", json, .. extra];

        int exit = await StampedeApp.RunAsync(args, [typeof(FaultUser)], console, errors, new Hashtable(), TimeProvider.System, CancellationToken.None);

        using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return (exit, errors + console.Output, document.RootElement.Clone());
    }

    internal sealed class FaultUser : HttpUser
    {
        private static int s_longestKept;
        private static int s_truncated;

        public static int LongestKept => Volatile.Read(ref s_longestKept);

        public static bool SawTruncated => Volatile.Read(ref s_truncated) != 0;

        public override WaitTime WaitTime => WaitTime.Constant(0.05);

        public static void ResetLongestKept()
        {
            Volatile.Write(ref s_longestKept, 0);
            Volatile.Write(ref s_truncated, 0);
        }

        [Task]
        public Task Fault() => Client.GetAsync("/fault", name: "fault", check: r =>
        {
            int kept = r.Body.Length;
            int seen;
            while (kept > (seen = Volatile.Read(ref s_longestKept)) && Interlocked.CompareExchange(ref s_longestKept, kept, seen) != seen)
            {
            }

            if (r.BodyTruncated)
            {
                Volatile.Write(ref s_truncated, 1);
            }
        });
    }
}
