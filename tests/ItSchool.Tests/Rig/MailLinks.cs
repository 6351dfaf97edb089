using System.Text.RegularExpressions;
using MimeKit;

namespace ItSchool.Tests.Rig;

/// <summary>The links the account mails carry, as a person would click them.</summary>
public static partial class MailLinks
{
    [GeneratedRegex(@"https?://\S+/premiere-connexion\?jeton=[0-9A-Z-]+")]
    private static partial Regex FirstConnection();

    /// <summary>The invitation's or reset's "Première connexion" link.</summary>
    public static string FirstConnectionIn(MimeMessage mail)
    {
        var match = FirstConnection().Match(mail.TextBody ?? "");
        Assert.True(match.Success, "No first-connection link in: " + mail.TextBody);
        return match.Value;
    }
}