using System.Globalization;

/// <summary>
/// With BENCH_GC_LOG=path, one line per garbage collection (polled every 2 ms from GC.GetGCMemoryInfo): its index,
/// generation, pause, bytes promoted and each generation's size after it, and the bytes allocated so far; and every 5 s the heap's live, fragmented
/// and committed bytes; and, as comment lines from the runtime's events, why each collection started and the type each
/// large-object allocation tick names. The profile behind bench/peers/RESULTS-10k.md.
/// </summary>
internal static class GcLog
{
    public static void StartIfAsked()
    {
        string? path = Environment.GetEnvironmentVariable("BENCH_GC_LOG");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        var thread = new Thread(() => Run(path)) { IsBackground = true, Name = "bench-gc-log" };
        thread.Start();
    }

    private static void WriteLocked(StreamWriter writer, string line)
    {
        lock (writer)
        {
            writer.WriteLine(line);
        }
    }

    private static void Run(string path)
    {
        using var writer = new StreamWriter(path) { AutoFlush = true };
        writer.WriteLine("t_s,index,gen,kind,pause_ms,promoted_kb,gen0_after_kb,gen1_after_kb,gen2_after_kb,loh_after_kb,pinned,compacted,allocated_mb");
        using var reasons = new GcReasons(writer);
        long last = 0;
        long start = Environment.TickCount64;
        long nextHeap = 5000;
        long allocatedAtLast = 0;
        while (true)
        {
            foreach (GCKind kind in (GCKind[])[GCKind.Ephemeral, GCKind.FullBlocking, GCKind.Background])
            {
                GCMemoryInfo info = GC.GetGCMemoryInfo(kind);
                if (info.Index > last)
                {
                    allocatedAtLast = GC.GetTotalAllocatedBytes();
                    ReadOnlySpan<GCGenerationInfo> gens = info.GenerationInfo;
                    WriteLocked(writer, string.Create(CultureInfo.InvariantCulture,
                        $"{(Environment.TickCount64 - start) / 1000.0:F2},{info.Index},{info.Generation},{kind},{info.PauseDurations[0].TotalMilliseconds:F1},{info.PromotedBytes / 1024},{gens[0].SizeAfterBytes / 1024},{gens[1].SizeAfterBytes / 1024},{gens[2].SizeAfterBytes / 1024},{gens[3].SizeAfterBytes / 1024},{info.PinnedObjectsCount},{info.Compacted},{GC.GetTotalAllocatedBytes() / 1048576}"));
                }
            }

            last = Math.Max(last, GC.GetGCMemoryInfo(GCKind.Any).Index);
            if (Environment.TickCount64 - start >= nextHeap)
            {
                // Every 5 s: where the committed memory is (live, fragmented, committed but unused).
                GCMemoryInfo now = GC.GetGCMemoryInfo();
                WriteLocked(writer, string.Create(CultureInfo.InvariantCulture,
                    $"# {(Environment.TickCount64 - start) / 1000.0:F2} s: heap {now.HeapSizeBytes / 1024} KB, fragmented {now.FragmentedBytes / 1024} KB, committed {now.TotalCommittedBytes / 1024} KB, gen0 size {now.GenerationInfo[0].SizeAfterBytes / 1024} KB, allocated since the last collection {(GC.GetTotalAllocatedBytes() - allocatedAtLast) / 1024} KB"));
                nextHeap += 5000;
            }

            Thread.Sleep(2);
        }
    }
}

/// <summary>Writes why each collection started (the runtime's GCStart event: depth, reason, type) as a comment line.</summary>
internal sealed class GcReasons(StreamWriter writer) : System.Diagnostics.Tracing.EventListener
{
    private static readonly string[] Reasons = ["alloc-small", "induced", "low-memory", "empty", "alloc-large", "out-of-space-soh", "out-of-space-loh", "induced-not-forced", "internal", "induced-low-memory", "induced-compacting", "low-memory-host", "pm-full-gc", "low-memory-host-blocking"];
    private static readonly string[] Types = ["blocking", "background", "foreground"];

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            // Verbose adds the allocation ticks (one per 100 KB allocated); the large-object ones are written below.
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)1);
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName is not null && e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) && e.Payload is { } tick
            && e.PayloadNames is { } names && Convert.ToInt32(tick[names.IndexOf("AllocationKind")], CultureInfo.InvariantCulture) == 1)
        {
            lock (writer)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# large-object tick: {tick[names.IndexOf("TypeName")]}"));
            }

            return;
        }

        if (e.EventName is not null && e.EventName.StartsWith("GCStart", StringComparison.Ordinal) && e.Payload is { Count: >= 4 } p)
        {
            int reason = Convert.ToInt32(p[2], CultureInfo.InvariantCulture);
            int type = Convert.ToInt32(p[3], CultureInfo.InvariantCulture);
            lock (writer)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"# collection {p[0]} starts: gen {p[1]}, reason {(reason < Reasons.Length ? Reasons[reason] : reason.ToString(CultureInfo.InvariantCulture))}, {(type < Types.Length ? Types[type] : "?")}"));
            }
        }
    }
}
