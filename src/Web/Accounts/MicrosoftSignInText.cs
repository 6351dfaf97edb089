namespace ItSchool.Web.Accounts;

/// <summary>
/// Marker for "Se connecter avec Microsoft"'s texts in <c>Resources/Accounts/MicrosoftSignInText.resx</c> (French;
/// Dutch and English beside it); views ask <c>IStringLocalizer&lt;MicrosoftSignInText&gt;</c>.
/// </summary>
public sealed class MicrosoftSignInText;