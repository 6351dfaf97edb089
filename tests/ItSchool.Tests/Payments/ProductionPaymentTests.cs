using ItSchool.Payments;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ItSchool.Tests.Payments;

/// <summary>Production has no default provider, and the sandbox refuses to start there.</summary>
public sealed class ProductionPaymentTests
{
    [Fact]
    public async Task A_production_start_with_the_sandbox_provider_stops_with_the_variable_to_set()
    {
        await using var web = new WebNode { Demo = false };
        var database = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            web.StartAsync(database, "--ItSchool:Payments:Provider=sandbox"));

        Assert.Contains("ItSchool__Payments__Provider", failure.Message);
        Assert.Contains("demo mode only", failure.Message);
    }

    [Fact]
    public async Task A_production_start_without_a_provider_keeps_online_payments_off()
    {
        await using var web = new WebNode { Demo = false };
        await web.StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync());

        Assert.IsType<OfflineProvider>(web.Services.GetRequiredService<IPaymentProvider>());
        using var client = web.CreateClient();
        var webhook = await client.PostAsync("/api/payments/sandbox/webhook", new StringContent("{\"type\":\"payment.updated\",\"payment\":\"sbx_1\"}"));
        Assert.False(webhook.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Demo_mode_defaults_to_the_sandbox()
    {
        await using var web = new WebNode();
        await web.StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync());

        Assert.IsType<SandboxProvider>(web.Services.GetRequiredService<IPaymentProvider>());
    }
}