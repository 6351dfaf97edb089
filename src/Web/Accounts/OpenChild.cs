using ItSchool.Pupils;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Accounts;

/// <summary>
/// The child whose account a parent has open: chosen at sign-in or on the family page, carried by the
/// session, and checked against the guardianships at every request, so that a guardianship removed since
/// sign-in closes the child's pages at once. Every page about "my child" starts here.
/// </summary>
public static class OpenChild
{
    /// <summary>The open child, or null (no child chosen, or no longer this parent's).</summary>
    public static async Task<Pupil?> OpenChildAsync(this HttpContext context, GuardianLinks pupils)
    {
        var user = SignedInUser.From(context.User);
        return user?.PupilId is { } id ? await pupils.ChildOfAsync(user.SchoolId, user.Id, id, context.RequestAborted) : null;
    }
}