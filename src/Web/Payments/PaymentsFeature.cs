using ItSchool.Payments;
using ItSchool.Web.Platform;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Options;

namespace ItSchool.Web.Payments;

/// <summary>Online payments (top-ups and invoices): the configured provider, the top-up service, and where their pages and webhook hang.</summary>
public sealed class PaymentsFeature : Feature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        var demo = InstallationSettings.IsDemo(builder.Configuration);
        builder.Services.AddOptions<PaymentSettings>().Bind(builder.Configuration.GetSection(PaymentSettings.Section))
            .PostConfigure(settings => settings.Provider = string.IsNullOrWhiteSpace(settings.Provider) && demo ? SandboxProvider.ProviderName : settings.Provider)
            // The sandbox's checkout page credits a wallet at a click: anywhere but demo mode it would be free money.
            .Validate(settings => demo || settings.Provider != SandboxProvider.ProviderName,
                "The sandbox payment provider exists for demo mode only: set ItSchool__Payments__Provider=stripe (with its keys), or leave it unset to keep online payments off.")
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<SandboxProvider>();
        // One long-lived client for the provider's API; the pooled connection lifetime follows DNS changes.
        builder.Services.AddSingleton(services => new StripeProvider(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = services.GetRequiredService<IOptions<PaymentSettings>>().Value.Stripe.Timeout,
            },
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<IOptions<PaymentSettings>>()));
        builder.Services.AddSingleton<IPaymentProvider>(services =>
            services.GetRequiredService<IOptions<PaymentSettings>>().Value.Provider switch
            {
                StripeProvider.ProviderName => services.GetRequiredService<StripeProvider>(),
                SandboxProvider.ProviderName => services.GetRequiredService<SandboxProvider>(),
                _ => new OfflineProvider(),
            });
        builder.Services.AddSingleton<OnlinePayments>();
        builder.Services.AddSingleton<OnlineTopUps>();
        builder.Services.AddSingleton<PaymentReconciliationJob>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PaymentReconciliationJob>());
    }

    public override void MapOutsideSchools(WebApplication app) => app.MapPaymentWebhooks();

    public override void MapInSchool(RouteGroupBuilder school)
    {
        school.MapTopUpPages();
        school.MapSandboxCheckout();
    }
}