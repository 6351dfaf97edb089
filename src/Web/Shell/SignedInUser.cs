using System.Security.Claims;
using ItSchool.Accounts;
using ItSchool.Pupils;

namespace ItSchool.Web.Shell;

/// <summary>
/// Who is signed in, read from the session cookie's claims; for a parent, also which child's account
/// they are looking at ("Se connecter avec ce compte").
/// </summary>
public sealed record SignedInUser(
    Guid Id, Guid SchoolId, string FirstName, string DisplayName, Role Role, Guid SessionStamp,
    Guid? PupilId, string? PupilFirstName)
{
    const string SchoolClaim = "itschool:school";
    const string StampClaim = "itschool:stamp";
    const string PupilClaim = "itschool:pupil";
    const string PupilNameClaim = "itschool:pupil-name";
    const string SessionClaim = "itschool:session";
    const string LanguageClaim = "itschool:language";

    /// <summary>This session's own id, so that signing out ends it alone; null in cookies issued before sessions had one.</summary>
    public Guid? SessionId { get; init; }

    /// <summary>The language the person chose (fr-BE, nl-BE, en-BE), carried in the cookie so no page asks the database; null: the school's.</summary>
    public string? Language { get; init; }

    public static SignedInUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            || !Guid.TryParse(principal.FindFirstValue(SchoolClaim), out var school)
            || !Guid.TryParse(principal.FindFirstValue(StampClaim), out var stamp)
            || !Enum.TryParse<Role>(principal.FindFirstValue(ClaimTypes.Role), out var role))
        {
            return null;
        }
        Guid? pupil = Guid.TryParse(principal.FindFirstValue(PupilClaim), out var p) ? p : null;
        return new SignedInUser(id, school, principal.FindFirstValue(ClaimTypes.GivenName) ?? "",
            principal.FindFirstValue(ClaimTypes.Name) ?? "", role, stamp, pupil, principal.FindFirstValue(PupilNameClaim))
        {
            SessionId = Guid.TryParse(principal.FindFirstValue(SessionClaim), out var session) ? session : null,
            Language = principal.FindFirstValue(LanguageClaim),
        };
    }

    public static ClaimsPrincipal Principal(UserAccount account, Pupil? pupil, Guid sessionId, string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(SessionClaim, sessionId.ToString()),
            new(ClaimTypes.NameIdentifier, account.Id.ToString()),
            new(SchoolClaim, account.SchoolId.ToString()),
            new(StampClaim, account.SessionStamp.ToString()),
            new(ClaimTypes.Name, account.DisplayName),
            new(ClaimTypes.GivenName, account.FirstName),
            new(ClaimTypes.Role, account.Role.ToString()),
        };
        if (account.Language is not null)
        {
            claims.Add(new Claim(LanguageClaim, account.Language));
        }
        if (pupil is not null)
        {
            claims.Add(new Claim(PupilClaim, pupil.Id.ToString()));
            claims.Add(new Claim(PupilNameClaim, pupil.FirstName));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType));
    }
}