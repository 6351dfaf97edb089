using ItSchool.Accounts;
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
    /// <summary>What the session check of this request found for the child it carried.</summary>
    sealed record Checked(Guid PupilId, Pupil? Child);

    /// <summary>The open child, or null (no child chosen, or no longer this parent's).</summary>
    public static async Task<Pupil?> OpenChildAsync(this HttpContext context, GuardianLinks pupils)
    {
        var user = SignedInUser.From(context.User);
        if (user?.PupilId is not { } id)
        {
            return null;
        }
        // Checked at the start of this very request, with the session: a page asks it again only after the session
        // changed child mid-request (the family page), never on a result older than the request.
        return context.Features.Get<Checked>() is { } done && done.PupilId == id
            ? done.Child
            : await pupils.ChildOfAsync(user.SchoolId, user.Id, id, context.RequestAborted);
    }

    /// <summary>Whether the session is open, checking its child's guardianship in the same query for <see cref="OpenChildAsync"/>.</summary>
    internal static async Task<bool> CheckWithSessionAsync(HttpContext context, AccountDirectory accounts, SignedInUser user, Guid pupil)
    {
        var (open, child) = await accounts.CheckSessionAsync(user.SchoolId, user.Id, user.SessionStamp, user.SessionId, pupil, context.RequestAborted);
        if (open)
        {
            context.Features.Set(new Checked(pupil, child));
        }
        return open;
    }
}