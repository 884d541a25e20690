using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Jiayi.Bench -- --filter '*'     (BenchmarkDotNet, careful)
// dotnet run -c Release --project bench/Jiayi.Bench -- throughput       (quick, for bench/compare.sh)
// dotnet run -c Release --project bench/Jiayi.Bench -- import [rows]    (resident import; also PostgreSQL when JIAYI_TEST_PG is set)
// dotnet run -c Release --project bench/Jiayi.Bench -- workflow [requests] [parallel]   (signing requests and review fires; also PostgreSQL when JIAYI_TEST_PG is set)
// dotnet run -c Release --project bench/Jiayi.Bench -- plans [enrolments]  (follow-up plan computation and the 健康体检表 evaluation)
if (args is ["plans", ..])
{
    Jiayi.Bench.PlanThroughput.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5_000);
    return;
}

if (args is ["import", ..])
{
    await Jiayi.Bench.ImportThroughput.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000,
        args.Length > 2 ? args[2] : Environment.GetEnvironmentVariable("JIAYI_TEST_PG"));
    return;
}

if (args is ["workflow", ..])
{
    await Jiayi.Bench.WorkflowThroughput.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2_000,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 4,
        Environment.GetEnvironmentVariable("JIAYI_TEST_PG"));
    return;
}

if (args is ["throughput", ..])
{
    Jiayi.Bench.Throughput.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Jiayi.Bench.ValidationBenchmarks).Assembly).Run(args);
