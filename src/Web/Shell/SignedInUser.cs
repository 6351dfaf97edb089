using System.Security.Claims;
using ItSchool.Accounts;

namespace ItSchool.Web.Shell;

/// <summary>Who is signed in, read from the authentication cookie's claims.</summary>
public sealed record SignedInUser(Guid Id, Guid SchoolId, string FirstName, string DisplayName, Role Role)
{
    public const string SchoolClaim = "itschool:school";

    public static SignedInUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            || !Guid.TryParse(principal.FindFirstValue(SchoolClaim), out var school)
            || !Enum.TryParse<Role>(principal.FindFirstValue(ClaimTypes.Role), out var role))
        {
            return null;
        }
        return new SignedInUser(id, school, principal.FindFirstValue(ClaimTypes.GivenName) ?? "",
            principal.FindFirstValue(ClaimTypes.Name) ?? "", role);
    }

    public static IEnumerable<Claim> ClaimsOf(UserAccount account) =>
    [
        new(ClaimTypes.NameIdentifier, account.Id.ToString()),
        new(SchoolClaim, account.SchoolId.ToString()),
        new(ClaimTypes.Name, account.DisplayName),
        new(ClaimTypes.GivenName, account.FirstName),
        new(ClaimTypes.Role, account.Role.ToString()),
    ];
}