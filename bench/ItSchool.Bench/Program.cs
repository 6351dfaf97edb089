using System.Globalization;
using ItSchool.Bench;
using ItSchool.Platform.Database;
using ItSchool.Schools;
using Microsoft.Extensions.Logging.Abstractions;

// dotnet run -c Release --project bench/ItSchool.Bench -- wallet [--seconds 10] [--concurrency 64] [--pupils 1000] [--hot 4]
// dotnet run -c Release --project bench/ItSchool.Bench -- operations [--pupils 600]
// dotnet run -c Release --project bench/ItSchool.Bench -- pos [--seconds 10] [--concurrency 64] [--pupils 1000] [--hot 4] [--statements] [--http2] [--terminals 500 --think-ms 1000]
// dotnet run -c Release --project bench/ItSchool.Bench -- invoices [--seconds 10] [--concurrency 64] [--pupils 1000]
// dotnet run -c Release --project bench/ItSchool.Bench -- import [--pupils 20000] [--movements 50000]
// dotnet run -c Release --project bench/ItSchool.Bench -- meetings [--parents 500] [--teachers 1] [--watchers 500] [--rounds 3] [--warmup-rounds 24]
// dotnet run -c Release --project bench/ItSchool.Bench -- push [--watchers 100] [--sales 200]
// dotnet run -c Release --project bench/ItSchool.Bench -- meals [--parents 1000] [--concurrency 64]
// dotnet run -c Release --project bench/ItSchool.Bench -- orders [--parents 500] [--stock 50] [--rounds 5] [--arrival-seconds 0]
// dotnet run -c Release --project bench/ItSchool.Bench -- live [--connections 10000] [--rate 500] [--seconds 20] [--warmup 15]
// dotnet run -c Release --project bench/ItSchool.Bench -- chaos [--seconds 100] [--families 300] [--watchers 60] [--upgrade]
// dotnet run -c Release --project bench/ItSchool.Bench -- activations [--pupils 500000] [--concurrency 256]
// Reports are pasted into docs/benchmarks.md: decimal points, whatever the machine's language.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.FirstOrDefault() == LiveClients.Command)
{
    return await LiveClients.RunAsync(args);
}
var options = BenchOptions.Parse(args);
if (options.Scenario is not ("wallet" or "operations" or "pos" or "invoices" or "import" or "meetings" or "push" or "meals" or "orders" or "live" or "chaos" or "activations"))
{
    Console.Error.WriteLine($"Unknown scenario '{options.Scenario}'. Known: wallet, operations, pos, invoices, import, meetings, push, meals, orders, live, chaos, activations");
    return 2;
}

var directory = Path.Combine(Path.GetTempPath(), $"itschool-bench-{Guid.NewGuid():N}"[..30]);
var server = await LocalPostgres.StartAsync(directory, "bench", NullLogger.Instance);
try
{
    var connectionString = server.ConnectionString("bench") + $";Maximum Pool Size={options.Concurrency + 8}";
    if (args.Contains("--statements"))
    {
        server = await Statements.LoadAsync(server, directory, connectionString);
    }
    await using var db = Npgsql.NpgsqlDataSource.Create(connectionString);
    await Migrations.ApplyAsync(db, NullLogger.Instance);
    await DemoSchool.SeedIfEmptyAsync(db, NullLogger.Instance);
    // The web node seeds the wallets' and the canteen's demo data through their features, after the school; the
    // scenarios need the compartments, and the pos scenario's duplicate count needs the canteen's journal.
    await ItSchool.Wallets.DemoWallets.SeedAsync(db, DateTimeOffset.UtcNow, CancellationToken.None);
    await ItSchool.PointOfSale.DemoPos.SeedAsync(db, DateTimeOffset.UtcNow, CancellationToken.None);
    if (options.Scenario == "pos")
    {
        Console.WriteLine(await PosScenario.RunAsync(db, connectionString, options, args));
        return 0;
    }
    if (options.Scenario == "invoices")
    {
        Console.WriteLine(await InvoiceScenario.RunAsync(db, connectionString, options));
        return 0;
    }
    if (options.Scenario == "import")
    {
        Console.WriteLine(await ImportScenario.RunAsync(db, connectionString, args));
        return 0;
    }
    if (options.Scenario == "meetings")
    {
        Console.WriteLine(await MeetingsScenario.RunAsync(db, connectionString, options, args));
        return 0;
    }
    if (options.Scenario == "meals")
    {
        Console.WriteLine(await MealsScenario.RunAsync(db, connectionString, options, args));
        return 0;
    }
    if (options.Scenario == "orders")
    {
        Console.WriteLine(await OrdersScenario.RunAsync(db, connectionString, args));
        return 0;
    }
    if (options.Scenario == "push")
    {
        Console.WriteLine(await PushScenario.RunAsync(db, connectionString, args));
        return 0;
    }
    if (options.Scenario == "live")
    {
        Console.WriteLine(await LiveScenario.RunAsync(db, connectionString, args));
        return 0;
    }
    if (options.Scenario == "chaos")
    {
        Console.WriteLine(await ChaosScenario.RunAsync(server, directory, db, connectionString, args));
        return 0;
    }
    if (options.Scenario == "activations")
    {
        Console.WriteLine(await ActivationsScenario.RunAsync(db, connectionString, args));
        return 0;
    }
    if (options.Scenario == "operations")
    {
        Console.WriteLine(await OperationsScenario.RunAsync(db, options));
        return 0;
    }
    var results = await WalletScenario.RunAsync(db, connectionString, options);
    Console.WriteLine(WalletScenario.Report(results, options));
    return 0;
}
finally
{
    await server.StopAsync();
    Directory.Delete(directory, recursive: true);
}