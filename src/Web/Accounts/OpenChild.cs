using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Web.Legal;
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

    /// <summary>
    /// The pupil a parent's form was posted for (its <c>Pupil</c> field), against the child open now: the same; another of
    /// this guardian's children (another tab switched child meanwhile: the page says so, nothing is done); or none of theirs (404).
    /// </summary>
    public static async Task<PostedChild> PostedChildAsync(this HttpContext context, GuardianLinks pupils, Pupil open, string? posted) =>
        !Guid.TryParse(posted, out var pupil) || pupil == Guid.Empty ? PostedChild.NotTheirs
        : pupil == open.Id ? PostedChild.Open
        : await pupils.ChildOfAsync(open.SchoolId, SignedInUser.From(context.User)!.Id, pupil, context.RequestAborted) is not null ? PostedChild.AnotherOfTheirs
        : PostedChild.NotTheirs;

    /// <summary>
    /// Whether a parent's session is open; in the same round trip, its child's guardianship for <see cref="OpenChildAsync"/>
    /// and the terms still to accept for the <see cref="TermsGate"/>, which every page of a parent asks next.
    /// </summary>
    internal static async Task<bool> CheckParentSessionAsync(HttpContext context, AccountDirectory accounts, SignedInUser user)
    {
        var session = await accounts.ParentSessionAsync(user.SchoolId, user.Id, user.SessionStamp, user.SessionId, user.PupilId, context.RequestAborted);
        if (!session.Open)
        {
            return false;
        }
        TermsGate.Remember(context, session.TermsToAccept);
        if (user.PupilId is { } pupil)
        {
            context.Features.Set(new Checked(pupil, session.Child));
        }
        return true;
    }
}

public enum PostedChild
{
    Open,
    AnotherOfTheirs,
    NotTheirs,
}