namespace ItSchool.Mail;

/// <summary>The "ItSchool:Smtp" configuration section. No host: mail stays in the outbox, readable by the manager.</summary>
public sealed class SmtpSettings
{
    public const string Section = "ItSchool:Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public string? UserName { get; set; }
    public string? Password { get; set; }

    /// <summary>Implicit TLS (port 465); otherwise STARTTLS is used when the server offers it.</summary>
    public bool UseSsl { get; set; }

    public string FromAddress { get; set; } = "noreply@itschool.localhost";
    public string FromName { get; set; } = "ItSchool";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}