using ItSchool.Invoices;
using ItSchool.Pupils;
using ItSchool.Wallets;
using Microsoft.Extensions.Logging;

namespace ItSchool.Payments;

/// <summary>What a parent can get wrong when starting a top-up; each has a French message in the dialog.</summary>
public enum TopUpProblem
{
    NotGuardian = 1,
    UnknownCompartment = 2,
    OnlineDisabled = 3,
    BelowMinimum = 4,
    AboveMaximum = 5,
    ProviderUnavailable = 6,
}

/// <param name="Description">What the provider's checkout page calls the payment, in the parent's language (the web tier words it).</param>
public sealed record TopUpRequest(Guid SchoolId, Guid ParentId, Guid PupilId, int Compartment, long AmountCents, string RequestKey, string SchoolUrl,
    string Description);

public sealed record TopUpStart(OnlinePayment? Payment, TopUpProblem? Problem);

/// <summary>How a webhook was handled; the web tier turns it into the HTTP status the provider expects.</summary>
public enum WebhookOutcome
{
    Credited = 1,
    NothingToCredit = 2,
    Ignored = 3,
    Refused = 4,
    UnknownPayment = 5,
    Mismatch = 6,
}

/// <summary>
/// The online top-up, from the parent's amount to the ledger entry: starts a payment at the configured
/// provider, and on a verified webhook asks the provider for the payment's real state before crediting the
/// purse under the key <c>online/{provider}/{providerPaymentId}</c>, so any number of webhooks credit once.
/// </summary>
public sealed class OnlineTopUps(IPaymentProvider provider, OnlinePayments payments, GuardianLinks pupils, WalletSettingsStore walletSettings,
    IGrainFactory grains, TimeProvider clock, ILogger<OnlineTopUps> logger)
{
    public string ProviderName => provider.Name;

    public async Task<TopUpStart> StartAsync(TopUpRequest request, CancellationToken cancellationToken = default)
    {
        if (!await pupils.IsGuardianAsync(request.SchoolId, request.ParentId, request.PupilId, cancellationToken))
        {
            return new TopUpStart(null, TopUpProblem.NotGuardian);
        }
        var compartments = await grains.GetGrain<IPurseGrain>(request.PupilId).GetCompartmentsAsync();
        if (compartments.All(c => c.Compartment != request.Compartment))
        {
            return new TopUpStart(null, TopUpProblem.UnknownCompartment);
        }
        var settings = await walletSettings.LoadAsync(request.SchoolId, cancellationToken);
        TopUpProblem? problem = settings switch
        {
            null or { OnlineEnabled: false } => TopUpProblem.OnlineDisabled,
            _ when provider is OfflineProvider => TopUpProblem.OnlineDisabled,
            _ when request.AmountCents < settings.OnlineMinCents => TopUpProblem.BelowMinimum,
            _ when request.AmountCents > settings.OnlineMaxCents => TopUpProblem.AboveMaximum,
            _ => null,
        };
        if (problem is not null)
        {
            return new TopUpStart(null, problem);
        }
        try
        {
            var payment = await payments.StartOnceAsync(request.SchoolId, request.PupilId, request.Compartment, request.AmountCents,
                provider.Name, request.ParentId, request.RequestKey, id => provider.CreateCheckoutAsync(new CheckoutRequest(
                    id, request.AmountCents, request.Description, request.SchoolUrl,
                    $"{request.SchoolUrl}/paiement/retour?paiement={id}", $"{request.SchoolUrl}/paiement/retour?paiement={id}&abandon=1"),
                    cancellationToken), cancellationToken: cancellationToken);
            return new TopUpStart(payment, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException })
        {
            // The transaction rolled back: no attempt is recorded, the parent may simply try again.
            logger.LogError(e, "The {Provider} payment provider could not open a checkout for pupil {PupilId}", provider.Name, request.PupilId);
            return new TopUpStart(null, TopUpProblem.ProviderUnavailable);
        }
    }

    public async Task<WebhookOutcome> ConfirmAsync(WebhookRequest request, CancellationToken cancellationToken = default)
    {
        switch (provider.ReadWebhook(request))
        {
            case WebhookReading.Refused refused:
                logger.LogWarning("Refused a {Provider} payment webhook: {Reason}. Nothing was credited.", provider.Name, refused.Reason);
                return WebhookOutcome.Refused;
            case WebhookReading.Ignored ignored:
                logger.LogInformation("Ignored a {Provider} webhook of type {EventType}", provider.Name, ignored.EventType);
                return WebhookOutcome.Ignored;
            case WebhookReading.About about:
                return await ConfirmAsync(about.ProviderPaymentId, cancellationToken);
            default:
                throw new InvalidOperationException("Unknown webhook reading");
        }
    }

    /// <summary>
    /// Asks the provider about the attempts still pending after <paramref name="quietFor"/> (a webhook lost on
    /// the way, an app that was down when it came), and does what their webhook would have done: a paid one is
    /// credited (once: the purse's key is the provider's id, as for the webhook), a failed or expired one says
    /// so. Attempts older than <paramref name="giveUpAfter"/> are left to the school.
    /// </summary>
    public async Task<IReadOnlyDictionary<WebhookOutcome, int>> ReconcileAsync(TimeSpan quietFor, TimeSpan giveUpAfter,
        CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var outcomes = new Dictionary<WebhookOutcome, int>();
        foreach (var providerPaymentId in await payments.PendingAsync(provider.Name, now - giveUpAfter, now - quietFor, 500, cancellationToken))
        {
            try
            {
                var outcome = await ConfirmAsync(providerPaymentId, cancellationToken);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
            // A provider too slow to answer cancels its call (the client's timeout): that payment waits for the next run, the others go on.
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not reconcile {Provider} payment {ProviderPaymentId}; the next run tries again", provider.Name, providerPaymentId);
            }
        }
        return outcomes;
    }

    async Task<WebhookOutcome> ConfirmAsync(string providerPaymentId, CancellationToken cancellationToken)
    {
        var payment = await payments.FindByProviderIdAsync(providerPaymentId, cancellationToken);
        if (payment is null || payment.Provider != provider.Name)
        {
            logger.LogWarning("A {Provider} payment webhook names payment {ProviderPaymentId}, which is not one of ours. Nothing was credited.",
                provider.Name, providerPaymentId);
            return WebhookOutcome.UnknownPayment;
        }
        // The webhook only says where to look: the provider's own answer decides, never the body of a request.
        var said = await provider.GetPaymentAsync(providerPaymentId, cancellationToken);
        if (said is null)
        {
            logger.LogWarning("The {Provider} provider does not know payment {ProviderPaymentId} (top-up {PaymentId}). Nothing was credited.",
                provider.Name, providerPaymentId, payment.Id);
            return WebhookOutcome.UnknownPayment;
        }
        if (said.Status != ProviderPaymentStatus.Paid)
        {
            await payments.RecordStatusAsync(payment.Id, (OnlinePaymentStatus)(int)said.Status, said.Method, cancellationToken);
            logger.LogInformation("Top-up {PaymentId} ({Provider} {ProviderPaymentId}) is {Status}: nothing to credit",
                payment.Id, provider.Name, providerPaymentId, said.Status);
            return WebhookOutcome.NothingToCredit;
        }
        if (said.AmountCents != payment.AmountCents || !string.Equals(said.Currency, "eur", StringComparison.OrdinalIgnoreCase))
        {
            logger.LogError("Top-up {PaymentId} ({Provider} {ProviderPaymentId}) was paid {PaidCents} {Currency} but asked {AmountCents} cents EUR. " +
                "Nothing was credited: check it with the provider.", payment.Id, provider.Name, providerPaymentId, said.AmountCents, said.Currency,
                payment.AmountCents);
            return WebhookOutcome.Mismatch;
        }
        if (payment.InvoiceId is { } invoiceId)
        {
            return await PayInvoiceAsync(payment, invoiceId, said, cancellationToken);
        }
        var result = await grains.GetGrain<IPurseGrain>(payment.PupilId).CreditAsync(new Credit(
            $"online/{provider.Name}/{providerPaymentId}", payment.Compartment, payment.AmountCents, MovementKind.OnlineTopUp, said.Method,
            LedgerSubject.OnlineTopUp, new Actor(ActorKind.PaymentProvider, provider.Name, provider.Name)));
        if (!result.Accepted)
        {
            throw new InvalidOperationException($"The purse declined top-up {payment.Id}: {result.Reason}");
        }
        await payments.RecordStatusAsync(payment.Id, OnlinePaymentStatus.Paid, said.Method, cancellationToken);
        logger.LogInformation("Top-up {PaymentId} ({Provider} {ProviderPaymentId}): {AmountCents} cents in compartment {Compartment} of pupil {PupilId}, entry {EntryId}",
            payment.Id, provider.Name, providerPaymentId, payment.AmountCents, payment.Compartment, payment.PupilId, result.EntryIds.FirstOrDefault());
        return WebhookOutcome.Credited;
    }

    /// <summary>An invoice's online payment: the invoice grain takes it under the provider's payment id, once.</summary>
    async Task<WebhookOutcome> PayInvoiceAsync(OnlinePayment payment, Guid invoiceId, ProviderPayment said, CancellationToken cancellationToken)
    {
        var outcome = await grains.GetGrain<IInvoiceGrain>(invoiceId).PayOnlineAsync(new OnlineInvoicePayment(
            $"{provider.Name}/{said.ProviderPaymentId}", payment.AmountCents, said.Method ?? PaymentMethod.Card,
            new Actor(ActorKind.PaymentProvider, provider.Name, provider.Name)));
        if (!outcome.Accepted)
        {
            throw new InvalidOperationException($"Invoice {invoiceId} declined online payment {payment.Id}: {outcome.Reason}");
        }
        await payments.RecordStatusAsync(payment.Id, OnlinePaymentStatus.Paid, said.Method, cancellationToken);
        logger.LogInformation("Online payment {PaymentId} paid {AmountCents} cents of invoice {InvoiceId}", payment.Id, payment.AmountCents, invoiceId);
        return WebhookOutcome.Credited;
    }
}