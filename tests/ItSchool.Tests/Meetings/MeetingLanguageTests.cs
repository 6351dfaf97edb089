using System.Globalization;
using System.Net;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Meetings;

/// <summary>The parent's and the teacher's meeting pages read in Dutch and in English, the evening's dates included.</summary>
public sealed class MeetingLanguageTests(WebNode web) : IClassFixture<WebNode>
{
    [Theory]
    [InlineData("nl-BE", "Oudercontacten", "Een leerkracht van Geneviève kiezen", "Lokaal: Local 7", "Reserveren kan van")]
    [InlineData("en-BE", "Parent-teacher meetings", "Choose a teacher of Geneviève", "Room: Local 7", "Booking is open from")]
    public async Task A_parent_reads_the_evening_in_their_language(string culture, string title, string choose, string room, string window)
    {
        var evening = (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Single(e => e.Name == "Réunion de parents du printemps");
        using var amelie = await InLanguage.SignedInAsync(web, "amelie.lefevre", culture);
        var switched = await Forms.PostAsync(amelie, "/e/demo/comptes", $"/e/demo/comptes/{await DemoPupils.IdAsync(web, "Geneviève")}");
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);

        var page = InLanguage.Text(await amelie.GetStringAsync("/e/demo/reunions"));

        Assert.Contains(title, page);
        Assert.Contains(choose, page);
        Assert.Contains(room, page);
        Assert.Contains(window, page);
        Assert.Contains(evening.FirstDay.ToString("dddd d MMMM yyyy", CultureInfo.GetCultureInfo(culture)), page);
        Assert.DoesNotContain("Choisir un enseignant", page);
        Assert.DoesNotContain("Réservations ouvertes du", page);
        Assert.DoesNotContain("Lieu :", page);
        Assert.DoesNotContain(evening.FirstDay.ToString("dddd d MMMM yyyy", SchoolTime.Culture), page);
    }

    [Theory]
    [InlineData("nl-BE", "Mijn oudercontacten")]
    [InlineData("en-BE", "My parent-teacher meetings")]
    public async Task A_teacher_reads_their_evenings_in_their_language(string culture, string title)
    {
        var evening = (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Single(e => e.Name == "Réunion de parents du printemps");
        using var sophie = await InLanguage.SignedInAsync(web, "sophie.martin", culture);

        var page = InLanguage.Text(await sophie.GetStringAsync("/e/demo/reunions/mes-grilles"));

        Assert.Contains(title, page);
        Assert.DoesNotContain("Mes réunions de parents", page);
        Assert.Contains(evening.FirstDay.ToString("dddd d MMMM yyyy", CultureInfo.GetCultureInfo(culture)), page);
    }
}