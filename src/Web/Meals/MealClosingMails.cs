using System.Globalization;
using System.Text.Encodings.Web;
using ItSchool.Mail;
using ItSchool.Meals;
using ItSchool.Notifications;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Notifications;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meals;

/// <summary>
/// Tells the guardians of each pupil whose meals the school refunded (a closed day, a withdrawn article) which meals
/// and why: one notification per guardian and pupil for one closing, as their preferences route it; a guardian without an
/// address is left out.
/// </summary>
public sealed class MealClosingMails(Npgsql.NpgsqlDataSource db, PupilRegistry registry, LanguageDirectory languages, SchoolAddresses addresses,
    NotificationMails notifications, TimeProvider clock, IStringLocalizer<MealAdminText> A)
{
    /// <param name="why">The reason, worded in the current culture: each guardian's mail asks for it in theirs.</param>
    public async Task SendAsync(School school, IReadOnlyList<MealBookingView> refunded, Func<string> why, CancellationToken cancellationToken = default)
    {
        var html = HtmlEncoder.Default;
        var readers = await languages.RecipientsAsync(school.Id, cancellationToken);
        var home = addresses.Of(school);
        foreach (var meals in refunded.GroupBy(b => b.PupilId))
        {
            if (await registry.FindAsync(school.Id, meals.Key, cancellationToken) is not { } pupil)
            {
                continue;
            }
            foreach (var guardian in pupil.Guardians.Where(g => !string.IsNullOrWhiteSpace(g.Email)).DistinctBy(g => g.Email!.ToLowerInvariant()))
            {
                using var language = Cultures.Use(readers.OfUser(school.Id, guardian.Id));
                var day = meals.Min(b => b.Day).ToString("dddd d MMMM yyyy", CultureInfo.CurrentCulture);
                var lines = meals.Select(b => A["Mail.Meal", b.Label, b.Day.ToString("dddd d MMMM yyyy", CultureInfo.CurrentCulture), Money.Format(b.AmountCents)].Value).ToList();
                var subject = A["Mail.Subject", pupil.FirstName, day].Value;
                List<string> paragraphs = [A["Mail.Greeting", guardian.FirstName], A["Mail.Body", pupil.FirstName, why()], .. lines, A["Mail.Wallet"],
                    A["Mail.Signature", school.Name]];
                var mail = new OutgoingMail(school.Id, guardian.Email!, guardian.DisplayName, subject,
                    string.Join("\n\n", paragraphs), string.Concat(paragraphs.Select(p => $"<p>{html.Encode(p)}</p>")));
                await NotificationRouting.SendAsync(db, notifications.For(NotificationKind.Meals, guardian.Id, mail, home, $"{home}/repas",
                    A["Mail.Body", pupil.FirstName, why()].Value), clock.GetUtcNow(), cancellationToken);
            }
        }
    }
}