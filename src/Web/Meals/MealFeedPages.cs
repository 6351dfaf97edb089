using System.Threading.RateLimiting;
using ItSchool.Accounts;
using ItSchool.Meals;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meals;

/// <summary>Meals: the booked meals as an .ics feed per child and the reminder mail before the next week's cut-off.</summary>
public static class MealFeedPages
{
    /// <summary>Calendar apps fetch feeds from a few shared addresses (Google's, Microsoft's): a wider allowance than sign-in's.</summary>
    public const string FeedPolicy = "meal-feeds";

    public static void AddMealFeed(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MealCalendarFeeds>();
        builder.Services.AddSingleton<MealReminders>();
        builder.Services.AddSingleton<MealReminderLinks>();
        builder.Services.AddSingleton<MealReminderJob>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MealReminderJob>());
        var permitsPerMinute = builder.Configuration.GetValue("ItSchool:RateLimits:CalendarFeedsPerMinute", 300);
        builder.Services.Configure<RateLimiterOptions>(options => options.AddPolicy(FeedPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = TimeSpan.FromMinutes(1) })));
    }

    public static void MapMealFeed(this RouteGroupBuilder school)
    {
        var parent = school.MapGroup("/repas/agenda").RequireAuthorization(nameof(Role.Parent));

        // The address is shown when drawn and never again (only its hash is kept): the first visit draws it.
        parent.MapGet("", async (HttpContext context, GuardianLinks pupils, MealCalendarFeeds feeds) =>
        {
            if (await context.OpenChildAsync(pupils) is not { } child)
            {
                return (IResult)Results.Redirect($"{context.Request.PathBase}/comptes");
            }
            var user = SignedInUser.From(context.User)!;
            if (await feeds.IssuedAtAsync(user.Id, child.Id, context.RequestAborted) is { } issuedAt)
            {
                return new RazorComponentResult<MealFeedPage>(new { Child = child, IssuedAt = (DateTimeOffset?)issuedAt });
            }
            return await ShowNewAsync(context, feeds, child, user);
        });

        parent.MapPost("", async (HttpContext context, GuardianLinks pupils, MealCalendarFeeds feeds) =>
            await context.OpenChildAsync(pupils) is { } child
                ? await ShowNewAsync(context, feeds, child, SignedInUser.From(context.User)!)
                : Results.Redirect($"{context.Request.PathBase}/comptes"));

        // Calendar apps carry no cookie: the token is the key, and anything wrong is a plain 404.
        school.MapGet("/repas/agenda/{token}.ics", async (string token, HttpContext context, MealCalendarFeeds feeds, MealMenus menus,
            TimeProvider clock, IStringLocalizer<MealNoticeText> T) =>
        {
            var schoolId = context.School()!.Id;
            var now = clock.GetUtcNow();
            var today = SchoolTime.Day(now);
            var rules = await menus.LoadRulesAsync(schoolId, context.RequestAborted) ?? MealRules.Default;
            if (await feeds.OpenAsync(schoolId, token, today, today.AddDays(rules.HorizonDays), context.RequestAborted) is not { } feed)
            {
                return Results.NotFound();
            }
            context.Response.Headers.CacheControl = "private, no-cache";
            return Results.Text(MealCalendarFeed.For(feed, now, T), MealCalendarFeed.ContentType);
        }).RequireRateLimiting(FeedPolicy);

        // The reminder's opt-out: from the mail's signed link (no sign-in needed) or signed in as the guardian.
        school.MapGet("/repas/rappels", async (HttpContext context, [FromQuery(Name = "jeton")] string? link, MealReminderLinks links,
            MealReminders reminders) =>
            Guardian(context, links, link) is { } guardian
                ? new RazorComponentResult<MealReminderPage>(new
                {
                    Link = SignedInUser.From(context.User)?.Id == guardian ? null : link,
                    OptedOut = await reminders.IsOptedOutAsync(guardian, context.RequestAborted),
                })
                : (IResult)Results.NotFound());

        school.MapPost("/repas/rappels", async (HttpContext context, [FromForm] ReminderChoice form, MealReminderLinks links,
            MealReminders reminders, TimeProvider clock) =>
        {
            if (Guardian(context, links, form.Jeton) is not { } guardian || form.Receive is not ("oui" or "non"))
            {
                return (IResult)Results.NotFound();
            }
            await reminders.SetOptedOutAsync(guardian, form.Receive == "non", clock.GetUtcNow(), context.RequestAborted);
            var page = SignedInUser.From(context.User)?.Id == guardian || form.Jeton is null
                ? "repas/rappels"
                : $"repas/rappels?jeton={Uri.EscapeDataString(form.Jeton)}";
            return Flash.Redirect(context, page, form.Receive == "non" ? "reminders-off" : "reminders-on");
        });
    }

    static async Task<IResult> ShowNewAsync(HttpContext context, MealCalendarFeeds feeds, Pupil child, SignedInUser user)
    {
        var token = await feeds.IssueAsync(child.SchoolId, user.Id, child.Id, context.RequestAborted);
        return new RazorComponentResult<MealFeedPage>(new { Child = child, Address = $"{context.SchoolUrl()}/repas/agenda/{token}.ics" });
    }

    /// <summary>The guardian account the signed link names in this school, else the signed-in parent; null for anyone else.</summary>
    static Guid? Guardian(HttpContext context, MealReminderLinks links, string? link)
    {
        var schoolId = context.School()!.Id;
        if (!string.IsNullOrEmpty(link))
        {
            return links.Read(schoolId, link);
        }
        return SignedInUser.From(context.User) is { Role: Role.Parent } user && user.SchoolId == schoolId ? user.Id : null;
    }

    public sealed class ReminderChoice
    {
        public string? Jeton { get; set; }

        /// <summary>"oui": receive the reminders; "non": no more.</summary>
        public string? Receive { get; set; }
    }
}