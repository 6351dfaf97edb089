using ItSchool.Payments;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Payments;

/// <summary>
/// The web app for payment tests: as a class fixture, with the sandbox provider under a known secret so tests can
/// sign (and forge) its webhooks; started by hand, with any provider configuration.
/// </summary>
public sealed class PaymentNode : WebNode, IAsyncLifetime
{
    public const string Secret = "sandbox-test-secret";

    async Task IAsyncLifetime.InitializeAsync() =>
        await StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync(), $"--ItSchool:Payments:Sandbox:Secret={Secret}");

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public async Task<Guid> PupilIdAsync(string firstName) =>
        (Guid)(await ScalarAsync("SELECT id FROM pupils WHERE first_name = @value", firstName))!;

    public async Task<long> BalanceAsync(string firstName, int compartment = 1) =>
        (await Grains.GetGrain<IPurseGrain>(await PupilIdAsync(firstName)).GetCompartmentsAsync()).Single(c => c.Compartment == compartment).BalanceCents;

    public async Task<long> LedgerEntriesAsync(string idempotencyKey) =>
        (long)(await ScalarAsync("SELECT count(*) FROM ledger_entries WHERE idempotency_key = @value", idempotencyKey))!;

    public async Task<long> OnlinePaymentCountAsync() => (long)(await ScalarAsync("SELECT count(*) FROM online_payments", null))!;

    public async Task<OnlinePayment> PaymentAsync(string providerPaymentId) =>
        (await Services.GetRequiredService<OnlinePayments>().FindByProviderIdAsync(providerPaymentId))!;

    async Task<object?> ScalarAsync(string sql, object? value)
    {
        await using var db = NpgsqlDataSource.Create(ConnectionString);
        await using var command = db.CreateCommand(sql);
        if (value is not null)
        {
            command.Parameters.AddWithValue("value", value);
        }
        return await command.ExecuteScalarAsync();
    }
}