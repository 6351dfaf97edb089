namespace ItSchool.Notifications.Push;

/// <summary>
/// The <c>ItSchool:Push</c> configuration section. Without keys the installation makes its own pair once and keeps it in
/// the database (<see cref="VapidKeys"/>); keys given here win, so that several installations, or a restored one, can
/// keep the subscriptions their browsers hold.
/// </summary>
public sealed class PushSettings
{
    public const string Section = "ItSchool:Push";

    /// <summary>The application server's public key: the uncompressed P-256 point (65 bytes), base64url.</summary>
    public string? PublicKey { get; set; }

    /// <summary>Its private key: the 32-byte P-256 scalar, base64url.</summary>
    public string? PrivateKey { get; set; }

    /// <summary>
    /// Whom the push services may contact about this installation's messages (<c>mailto:…</c> or an https address); by
    /// default the installation's public https address, else the sender address of its mail.
    /// </summary>
    public string? Subject { get; set; }

    /// <summary>
    /// Lets a device's endpoint be an http or private address (a push service the tests start on loopback). Only a demo
    /// installation may set it: in production a user must never make the server call the hosts of its own network.
    /// </summary>
    public bool AllowLocalEndpoints { get; set; }

    public bool HasConfiguredKeys => !string.IsNullOrWhiteSpace(PublicKey) || !string.IsNullOrWhiteSpace(PrivateKey);
}