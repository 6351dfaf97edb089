using System.Threading.RateLimiting;
using ItSchool.Accounts;
using ItSchool.Events;
using ItSchool.Pupils;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Events;

/// <summary>The families' side: the open child's events (page and dashboard card) and their calendar feed.</summary>
public static class ParentEventPages
{
    /// <summary>Calendar apps fetch feeds from a few shared addresses (Google's, Microsoft's): a wider allowance than sign-in's.</summary>
    public const string FeedPolicy = "event-feeds";

    /// <summary>How far back the page lists past events.</summary>
    static readonly TimeSpan PastShown = TimeSpan.FromDays(365);

    public static void AddParentEvents(this WebApplicationBuilder builder)
    {
        var permitsPerMinute = builder.Configuration.GetValue("ItSchool:RateLimits:CalendarFeedsPerMinute", 300);
        builder.Services.Configure<RateLimiterOptions>(options => options.AddPolicy(FeedPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = TimeSpan.FromMinutes(1) })));
    }

    public static void MapParentEvents(this RouteGroupBuilder school)
    {
        var parent = school.MapGroup("/evenements").RequireAuthorization(nameof(Role.Parent));

        parent.MapGet("", async (HttpContext context, GuardianLinks pupils, SchoolEvents events, EventLinks links, TimeProvider clock) =>
        {
            if (await context.OpenChildAsync(pupils) is not { } child)
            {
                return (IResult)Results.Redirect($"{context.Request.PathBase}/comptes");
            }
            var now = clock.GetUtcNow();
            var all = await events.ForPupilAsync(child.SchoolId, child.Id, now - PastShown, context.RequestAborted);
            return new RazorComponentResult<EventsPage>(new
            {
                Child = child,
                Upcoming = all.Where(e => e.Ends > now).ToList(),
                Past = all.Where(e => e.Ends <= now).Reverse().ToList(),
                Offered = await links.OfferedAsync(child.SchoolId, context.RequestAborted),
            });
        });

        // The address is shown when drawn and never again (only its hash is kept): the first visit draws it.
        parent.MapGet("/agenda", async (HttpContext context, GuardianLinks pupils, EventCalendarFeeds feeds) =>
        {
            if (await context.OpenChildAsync(pupils) is not { } child)
            {
                return (IResult)Results.Redirect($"{context.Request.PathBase}/comptes");
            }
            var user = SignedInUser.From(context.User)!;
            if (await feeds.IssuedAtAsync(user.Id, child.Id, context.RequestAborted) is { } issuedAt)
            {
                return new RazorComponentResult<EventFeedPage>(new { Child = child, IssuedAt = (DateTimeOffset?)issuedAt });
            }
            return await ShowNewAsync(context, feeds, child, user);
        });

        parent.MapPost("/agenda", async (HttpContext context, GuardianLinks pupils, EventCalendarFeeds feeds) =>
            await context.OpenChildAsync(pupils) is { } child
                ? await ShowNewAsync(context, feeds, child, SignedInUser.From(context.User)!)
                : Results.Redirect($"{context.Request.PathBase}/comptes"));

        // Calendar apps carry no cookie: the token is the key, and anything wrong is a plain 404.
        school.MapGet("/evenements/agenda/{token}.ics", async (string token, HttpContext context, EventCalendarFeeds feeds, EventLinks links,
            TimeProvider clock, IStringLocalizer<EventText> T) =>
        {
            var schoolId = context.School()!.Id;
            if (await feeds.OpenAsync(schoolId, token, context.RequestAborted) is not { } feed)
            {
                return Results.NotFound();
            }
            var offered = await links.OfferedAsync(schoolId, context.RequestAborted);
            context.Response.Headers.CacheControl = "private, no-cache";
            return Results.Text(EventCalendarFeed.For(feed, clock.GetUtcNow(), link => EventLinks.Href(link, offered) is { } href
                ? $"{context.SchoolUrl()}/{href}" : null, T), EventCalendarFeed.ContentType);
        }).RequireRateLimiting(FeedPolicy);
    }

    /// <summary>The parent's card for the open child: the next events (up to four), as the platform's dashboard shows them.</summary>
    public static async Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader)
    {
        if (!reader.IsParentWithChild(out var child))
        {
            return [];
        }
        var now = reader.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var next = await reader.Services.GetRequiredService<SchoolEvents>().ForPupilAsync(reader.SchoolId, child.Id, now, reader.Aborted);
        return [DashboardCard.Of<EventDashboardCard>(22, new { Child = child, Next = next.Take(4).ToList() })];
    }

    static async Task<IResult> ShowNewAsync(HttpContext context, EventCalendarFeeds feeds, Pupil child, SignedInUser user)
    {
        var token = await feeds.IssueAsync(child.SchoolId, user.Id, child.Id, context.RequestAborted);
        return new RazorComponentResult<EventFeedPage>(new { Child = child, Address = $"{context.SchoolUrl()}/evenements/agenda/{token}.ics" });
    }
}