using ItSchool.Payments;
using Microsoft.Extensions.Options;

namespace ItSchool.Web.Payments;

/// <summary>Online top-ups: the configured provider, the top-up service, and where their pages and webhook hang.</summary>
public static class PaymentsSetup
{
    public static void AddPayments(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PaymentSettings>().Bind(builder.Configuration.GetSection(PaymentSettings.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<SandboxProvider>();
        // One long-lived client for the provider's API; the pooled connection lifetime follows DNS changes.
        builder.Services.AddSingleton(services => new StripeProvider(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) },
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<IOptions<PaymentSettings>>()));
        builder.Services.AddSingleton<IPaymentProvider>(services =>
            services.GetRequiredService<IOptions<PaymentSettings>>().Value.Provider == StripeProvider.ProviderName
                ? services.GetRequiredService<StripeProvider>()
                : services.GetRequiredService<SandboxProvider>());
        builder.Services.AddSingleton<OnlinePayments>();
        builder.Services.AddSingleton<OnlineTopUps>();
        builder.Services.AddSingleton<PaymentReconciliationJob>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PaymentReconciliationJob>());
    }

    public static void MapPayments(this RouteGroupBuilder school)
    {
        school.MapTopUpPages();
        school.MapSandboxCheckout();
    }
}