using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Stampede.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Stampede.Benchmarks.RecordSampleBenchmarks).Assembly).Run(args);
