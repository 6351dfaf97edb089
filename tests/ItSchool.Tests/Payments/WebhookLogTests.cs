using System.Collections.Concurrent;
using ItSchool.Payments;
using ItSchool.Pupils;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ItSchool.Tests.Payments;

/// <summary>What the operator reads when a webhook is refused: one line that says why and that nothing moved.</summary>
public sealed class WebhookLogTests(PaymentNode web) : IClassFixture<PaymentNode>
{
    sealed class Lines : ILogger<OnlineTopUps>
    {
        public ConcurrentQueue<(LogLevel Level, string Text)> Written { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Written.Enqueue((logLevel, formatter(state, exception)));
    }

    [Fact]
    public async Task Forged_and_unknown_webhooks_are_logged_as_warnings_that_say_nothing_was_credited()
    {
        var lines = new Lines();
        var sandbox = web.Services.GetRequiredService<SandboxProvider>();
        var topUps = new OnlineTopUps(sandbox, web.Services.GetRequiredService<OnlinePayments>(), web.Services.GetRequiredService<GuardianLinks>(),
            web.Services.GetRequiredService<WalletSettingsStore>(), web.Grains, web.Clock, lines);
        var (body, _) = sandbox.Webhook("sbx_forged");

        Assert.Equal(WebhookOutcome.Refused, await topUps.ConfirmAsync(new WebhookRequest(body, new Dictionary<string, string>
        {
            [SandboxProvider.SignatureHeader] = WebhookSignature.Header(body, "guessed", web.Clock.GetUtcNow()),
        })));
        var (unknown, signature) = sandbox.Webhook("sbx_unknown");
        Assert.Equal(WebhookOutcome.UnknownPayment, await topUps.ConfirmAsync(new WebhookRequest(unknown, new Dictionary<string, string>
        {
            [SandboxProvider.SignatureHeader] = signature,
        })));

        Assert.Equal(
        [
            (LogLevel.Warning, "Refused a sandbox payment webhook: signature does not match the body. Nothing was credited."),
            (LogLevel.Warning, "A sandbox payment webhook names payment sbx_unknown, which is not one of ours. Nothing was credited."),
        ], lines.Written);
    }
}