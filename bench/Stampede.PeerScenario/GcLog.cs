using System.Globalization;

/// <summary>
/// With BENCH_GC_LOG=path, one line per garbage collection (polled every 2 ms from GC.GetGCMemoryInfo): its index,
/// generation, pause, bytes promoted and each generation's size after it, and the bytes allocated so far; and every 5 s the heap's live, fragmented
/// and committed bytes. The profile behind bench/peers/RESULTS-10k.md.
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

    private static void Run(string path)
    {
        using var writer = new StreamWriter(path) { AutoFlush = true };
        writer.WriteLine("t_s,index,gen,kind,pause_ms,promoted_kb,gen0_after_kb,gen1_after_kb,gen2_after_kb,loh_after_kb,pinned,compacted,allocated_mb");
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
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{(Environment.TickCount64 - start) / 1000.0:F2},{info.Index},{info.Generation},{kind},{info.PauseDurations[0].TotalMilliseconds:F1},{info.PromotedBytes / 1024},{gens[0].SizeAfterBytes / 1024},{gens[1].SizeAfterBytes / 1024},{gens[2].SizeAfterBytes / 1024},{gens[3].SizeAfterBytes / 1024},{info.PinnedObjectsCount},{info.Compacted},{GC.GetTotalAllocatedBytes() / 1048576}"));
                }
            }

            last = Math.Max(last, GC.GetGCMemoryInfo(GCKind.Any).Index);
            if (Environment.TickCount64 - start >= nextHeap)
            {
                // Every 5 s: where the committed memory is (live, fragmented, committed but unused).
                GCMemoryInfo now = GC.GetGCMemoryInfo();
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"# {(Environment.TickCount64 - start) / 1000.0:F2} s: heap {now.HeapSizeBytes / 1024} KB, fragmented {now.FragmentedBytes / 1024} KB, committed {now.TotalCommittedBytes / 1024} KB, gen0 size {now.GenerationInfo[0].SizeAfterBytes / 1024} KB, allocated since the last collection {(GC.GetTotalAllocatedBytes() - allocatedAtLast) / 1024} KB"));
                nextHeap += 5000;
            }

            Thread.Sleep(2);
        }
    }
}
