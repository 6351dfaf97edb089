using System.Net;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Accounts;

/// <summary>The child a parent has open is checked with the session at every request, never remembered from an earlier one.</summary>
public sealed class OpenChildTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task A_guardianship_removed_since_sign_in_closes_the_childs_pages_at_the_next_request()
    {
        using var amelie = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Lucas");
        Assert.Equal(HttpStatusCode.OK, (await amelie.GetAsync("/e/demo/repas")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await amelie.GetAsync("/e/demo/portefeuille/transfert")).StatusCode);

        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        Assert.True(await web.Services.GetRequiredService<PupilRegistry>().UnlinkGuardianAsync(DemoSchool.Id, lucas, await UserIdAsync("amelie.lefevre")));

        var calendar = await amelie.GetAsync("/e/demo/repas");
        Assert.Equal(HttpStatusCode.Redirect, calendar.StatusCode);
        Assert.Equal("/e/demo/comptes", calendar.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await amelie.GetAsync("/e/demo/portefeuille/transfert")).StatusCode);
        // Her session itself is still open: her other children are one click away.
        Assert.Equal(HttpStatusCode.OK, (await amelie.GetAsync("/e/demo/comptes")).StatusCode);
    }

    [Fact]
    public async Task A_parent_with_a_child_open_is_signed_out_on_every_other_device_when_the_password_changes()
    {
        using var laptop = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        using var phone = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/e/demo/repas")).StatusCode);

        var others = await Forms.PostAsync(laptop, "/e/demo/mon-acces", "/e/demo/mon-acces/autres-appareils");
        Assert.Equal(HttpStatusCode.OK, others.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/e/demo/repas")).StatusCode);
        var ended = await phone.GetAsync("/e/demo/repas");
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Equal("/e/demo/connexion", ended.Headers.Location?.AbsolutePath);
    }

    async Task<Guid> UserIdAsync(string userName)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("SELECT id FROM users WHERE user_name = @name");
        query.Parameters.AddWithValue("name", userName);
        return (Guid)(await query.ExecuteScalarAsync())!;
    }
}