using System.ComponentModel.DataAnnotations;

namespace ItSchool.Payments;

/// <summary>Configuration section <c>ItSchool:Payments</c>: which provider takes online top-ups, and its secrets.</summary>
public sealed class PaymentSettings : IValidatableObject
{
    public const string Section = "ItSchool:Payments";

    /// <summary>
    /// <c>stripe</c>, or <c>sandbox</c> (a test checkout page inside the app, the default in demo mode and
    /// refused anywhere else); unset in production, online payments are off.
    /// </summary>
    public string? Provider { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Provider);

    public SandboxSettings Sandbox { get; set; } = new();

    public StripeSettings Stripe { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider is not (null or "" or SandboxProvider.ProviderName or StripeProvider.ProviderName))
        {
            yield return new ValidationResult($"ItSchool__Payments__Provider must be '{StripeProvider.ProviderName}' (or '{SandboxProvider.ProviderName}' in demo mode), not '{Provider}'.");
        }
        if (Provider == StripeProvider.ProviderName && (string.IsNullOrWhiteSpace(Stripe.SecretKey) || string.IsNullOrWhiteSpace(Stripe.WebhookSecret)))
        {
            yield return new ValidationResult("ItSchool__Payments__Stripe__SecretKey and ItSchool__Payments__Stripe__WebhookSecret are required with the Stripe provider.");
        }
    }
}

public sealed class SandboxSettings
{
    /// <summary>Signs the sandbox's webhooks; without one, a random secret is drawn at start (each node signs its own calls).</summary>
    public string? Secret { get; set; }
}

public sealed class StripeSettings
{
    public string? SecretKey { get; set; }

    /// <summary>The endpoint's signing secret (<c>whsec_…</c>) shown by Stripe for the webhook address.</summary>
    public string? WebhookSecret { get; set; }

    public Uri BaseUrl { get; set; } = new("https://api.stripe.com");

    /// <summary>How long a call to Stripe may take before it counts as Stripe being down (the webhook is then refused with 503, and retried).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}