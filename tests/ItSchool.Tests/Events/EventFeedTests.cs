using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Schools;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Events;

public sealed partial class EventFeedTests(WebNode web) : IClassFixture<WebNode>
{
    const string Admin = "/e/demo/gestion/evenements";

    [Fact]
    public async Task The_feed_gives_brussels_times_across_the_clock_change_escapes_text_and_follows_moves_and_deletions()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        // The last Sundays of March and October 2027: the clocks change that night.
        await CreateAsync(manager, ("Title", "Marche parrainée, 4B; départ \\ arrivée"), ("Text", "Prévoir :\nbottines, gourde"),
            ("From", "2027-03-28"), ("Starts", "10:00"), ("Ends", "11:30"), ("Audience", "classes"), ("Class", "4B"));
        await CreateAsync(manager, ("Title", "Brocante d'automne"), ("From", "2027-10-31"), ("Starts", "10:00"), ("Ends", "16:00"),
            ("Audience", "school"), ("Link", "meals"));
        await CreateAsync(manager, ("Title", "Classe verte des 6A"), ("From", "2027-05-10"), ("To", "2027-05-12"), ("Audience", "classes"),
            ("Class", "6A"));

        var chloe = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        var address = await AddressAsync(chloe);
        var anonymous = web.CreateClient();
        var response = await anonymous.GetAsync(address);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.All(raw.Split("\r\n"), line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, line));
        var events = Parse(raw);

        var walk = Single(events, "Marche parrainée, 4B; départ \\ arrivée");
        Assert.Equal(@"Marche parrainée\, 4B\; départ \\ arrivée", walk["SUMMARY"]);
        Assert.Equal("Prévoir :\nbottines, gourde", Unescape(walk["DESCRIPTION"]));
        Assert.Equal(new DateTime(2027, 3, 28, 10, 0, 0), SchoolTime.Local(Utc(walk["DTSTART"])));
        Assert.Equal(new DateTime(2027, 3, 28, 11, 30, 0), SchoolTime.Local(Utc(walk["DTEND"])));
        Assert.Equal("20270328T080000Z", walk["DTSTART"]);
        Assert.Matches("^event-[0-9a-f]{32}@itschool$", walk["UID"]);
        Assert.Matches("^[0-9]{8}T[0-9]{6}Z$", walk["DTSTAMP"]);

        var fair = Single(events, "Brocante d'automne");
        Assert.Equal("20271031T090000Z", fair["DTSTART"]);
        Assert.Equal(new DateTime(2027, 10, 31, 10, 0, 0), SchoolTime.Local(Utc(fair["DTSTART"])));
        Assert.Equal(new Uri(web.DemoSchool, "repas").ToString(), fair["URL"]);

        // Another class's event is not Chloé's; an all-day event is a range of dates in Benoît's feed.
        Assert.DoesNotContain(events, e => Unescape(e["SUMMARY"]) == "Classe verte des 6A");
        var benoit = Parse(await anonymous.GetStringAsync(await AddressAsync(await SignedIn.ParentOfAsync(web, "pierre.lefevre", "Benoît"))));
        var green = Single(benoit, "Classe verte des 6A");
        Assert.Equal("20270510", green["DTSTART;VALUE=DATE"]);
        Assert.Equal("20270513", green["DTEND;VALUE=DATE"]);

        // Moved: same UID, new time, a higher SEQUENCE. Deleted: gone from the next sync.
        var id = await IdAsync(manager, "Brocante d'automne");
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, $"{Admin}/{id}/modifier", $"{Admin}/{id}/modifier",
            ("Title", "Brocante d'automne"), ("From", "2027-11-07"), ("Starts", "09:00"), ("Ends", "16:00"), ("Audience", "school"))).StatusCode);
        var moved = Single(Parse(await anonymous.GetStringAsync(address)), "Brocante d'automne");
        Assert.Equal(fair["UID"], moved["UID"]);
        Assert.Equal("20271107T080000Z", moved["DTSTART"]);
        Assert.True(int.Parse(moved["SEQUENCE"]) > int.Parse(fair["SEQUENCE"]));
        Assert.False(moved.ContainsKey("URL"));

        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, $"{Admin}/{id}/supprimer", $"{Admin}/{id}/supprimer")).StatusCode);
        var after = Parse(await anonymous.GetStringAsync(address));
        Assert.DoesNotContain(after, e => e["UID"] == fair["UID"]);
        Assert.Contains(after, e => e["UID"] == walk["UID"]);
    }

    [Fact]
    public async Task A_wrong_or_replaced_token_is_not_found()
    {
        var parent = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Lucas");
        var first = await AddressAsync(parent);
        var anonymous = web.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(first)).StatusCode);
        var token = first[(first.LastIndexOf('/') + 1)..^4];
        var forged = (token[0] == 'A' ? "B" : "A") + token[1..];
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/e/demo/evenements/agenda/{forged}.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/e/demo/evenements/agenda/abc.ics")).StatusCode);

        // A new link stops the old one at once; the meals' feed address is another secret, not this one.
        var second = await AddressAsync(parent);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(second)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(second.Replace("/evenements/agenda/", "/repas/agenda/"))).StatusCode);
    }

    static async Task CreateAsync(HttpClient manager, params (string, string)[] fields) =>
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, Admin, Admin, fields)).StatusCode);

    /// <summary>A new address drawn with "Nouveau lien".</summary>
    static async Task<string> AddressAsync(HttpClient parent)
    {
        var page = await Forms.PostAsync(parent, "/e/demo/evenements/agenda", "/e/demo/evenements/agenda");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return FeedAddress().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
    }

    static async Task<Guid> IdAsync(HttpClient manager, string title)
    {
        var html = WebUtility.HtmlDecode(await manager.GetStringAsync(Admin));
        var match = Regex.Match(html, $"data-event=\"([0-9a-f-]{{36}})\">\\s*<strong>{Regex.Escape(title)}</strong>");
        Assert.True(match.Success, title);
        return Guid.Parse(match.Groups[1].Value);
    }

    /// <summary>The VEVENTs, unfolded, each as its property names (with parameters) and raw values.</summary>
    static List<Dictionary<string, string>> Parse(string calendar)
    {
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", calendar);
        Assert.EndsWith("END:VCALENDAR\r\n", calendar);
        var events = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var line in calendar.Replace("\r\n ", "").Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            if (line == "BEGIN:VEVENT")
            {
                current = [];
            }
            else if (line == "END:VEVENT")
            {
                events.Add(current!);
                current = null;
            }
            else if (current is not null)
            {
                var colon = line.IndexOf(':');
                current[line[..colon]] = line[(colon + 1)..];
            }
        }
        return events;
    }

    static Dictionary<string, string> Single(List<Dictionary<string, string>> events, string title) =>
        Assert.Single(events, e => Unescape(e["SUMMARY"]) == title);

    static string Unescape(string text) =>
        EscapedChar().Replace(text, m => m.Value[1] is 'n' or 'N' ? "\n" : m.Value[1].ToString());

    static DateTimeOffset Utc(string value) =>
        DateTimeOffset.ParseExact(value, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal);

    [GeneratedRegex(@"\\[\\;,nN]")]
    private static partial Regex EscapedChar();

    [GeneratedRegex("data-feed-address>([^<]+)<")]
    private static partial Regex FeedAddress();
}