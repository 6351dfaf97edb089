using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ItSchool.Payments;

/// <summary>
/// Stripe's webhook signature scheme, which the sandbox reuses: a header <c>t={unix seconds},v1={hex}</c>
/// where the hex is HMAC-SHA256 of <c>{t}.{body}</c> under the endpoint's secret. The timestamp is signed
/// too, so an old captured request cannot be replayed outside the tolerance.
/// </summary>
public static class WebhookSignature
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string Header(string body, string secret, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Sign(t, body, secret)}";
    }

    /// <summary>Null when the header proves the body came from the secret's holder within the tolerance; else why not.</summary>
    public static string? Problem(string? header, string body, string secret, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(header))
        {
            return "no signature header";
        }
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        var t = parts.FirstOrDefault(p => p[0].Trim() == "t")?[1].Trim();
        // Several v1 values appear while the provider rolls its secret: any one may match.
        var signatures = parts.Where(p => p[0].Trim() == "v1").Select(p => p[1].Trim()).ToList();
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || signatures.Count == 0)
        {
            return "malformed signature header";
        }
        var expected = Encoding.ASCII.GetBytes(Sign(t!, body, secret));
        if (!signatures.Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected)))
        {
            return "signature does not match the body";
        }
        var age = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        return age.Duration() > Tolerance ? $"signature timestamp is {age.TotalSeconds:0} s away from now (tolerance {Tolerance.TotalSeconds:0} s)" : null;
    }

    static string Sign(string t, string body, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
}