using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Jiayi.Bench -- --filter '*'     (BenchmarkDotNet, careful)
// dotnet run -c Release --project bench/Jiayi.Bench -- throughput       (quick, for bench/compare.sh)
if (args is ["throughput", ..])
{
    Jiayi.Bench.Throughput.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Jiayi.Bench.ValidationBenchmarks).Assembly).Run(args);
