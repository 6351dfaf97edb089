using ItSchool.Accounts;
using ItSchool.Notifications;
using ItSchool.Web.Schools;
using Npgsql;

namespace ItSchool.Web.Notifications;

/// <summary>
/// The unsubscribe link of a non-essential mail, without signing in. A GET only shows what the link would turn off and one
/// button (mail scanners follow links); the POST turns it off, from that button or from the mail client's one-click
/// (RFC 8058 <c>List-Unsubscribe=One-Click</c>, which carries no antiforgery token: the signed link is the proof, so
/// these endpoints hang outside the school group's antiforgery check). A forged or altered link changes nothing.
/// </summary>
public static class UnsubscribePages
{
    public enum Outcome
    {
        Confirm,
        TurnedOff,
        AlreadyOff,
        Forged,
    }

    public static void MapUnsubscribe(this WebApplication app)
    {
        var links = app.MapGroup("").RequireSchool();

        links.MapGet("/" + UnsubscribeLinks.Path, async (HttpContext context, NpgsqlDataSource db, AccountDirectory accounts, NotificationPreferences preferences) =>
        {
            if (await ReadAsync(context, db, accounts) is not { } link)
            {
                return Page(Outcome.Forged, null);
            }
            var settings = await preferences.ReadAsync(link.UserId, context.RequestAborted);
            var off = link.Kind is { } kind
                ? settings.For(kind).Email == EmailChoice.Off
                : NotificationKinds.All.All(k => settings.For(k).Email != EmailChoice.Digest);
            return Page(off ? Outcome.AlreadyOff : Outcome.Confirm, link.Kind);
        });

        links.MapPost("/" + UnsubscribeLinks.Path, async (HttpContext context, NpgsqlDataSource db, AccountDirectory accounts, NotificationPreferences preferences) =>
        {
            if (await ReadAsync(context, db, accounts) is not { } link)
            {
                return Page(Outcome.Forged, null);
            }
            var changed = link.Kind is { } kind
                ? await preferences.TurnEmailOffAsync(link.UserId, kind, context.RequestAborted)
                : await preferences.TurnDigestOffAsync(link.UserId, context.RequestAborted) > 0;
            return Page(changed ? Outcome.TurnedOff : Outcome.AlreadyOff, link.Kind);
        });
    }

    static IResult Page(Outcome outcome, NotificationKind? kind) => new RazorComponentResult<UnsubscribePage>(new { Outcome = outcome, Kind = kind })
    {
        StatusCode = outcome == Outcome.Forged ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK,
    };

    sealed record Link(Guid UserId, NotificationKind? Kind);

    /// <summary>The user and kind (null: the digest) the link names, if its signature is genuine and the user belongs to this school.</summary>
    static async Task<Link?> ReadAsync(HttpContext context, NpgsqlDataSource db, AccountDirectory accounts)
    {
        var query = context.Request.Query;
        var (code, signature) = (query["k"].ToString(), query["s"].ToString());
        var kind = NotificationKinds.FromCode(code);
        if (!Guid.TryParseExact(query["u"], "N", out var userId) || (kind is null && code != UnsubscribeLinks.Digest) || signature.Length is 0 or > 64
            || !await UnsubscribeLinks.IsGenuineAsync(db, userId, code, signature, context.RequestAborted)
            || await accounts.FindAsync(context.School()!.Id, userId, context.RequestAborted) is null)
        {
            return null;
        }
        return new Link(userId, kind);
    }
}