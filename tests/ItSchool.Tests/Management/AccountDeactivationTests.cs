using System.Net;
using ItSchool.Accounts;
using ItSchool.Mail;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Management;

public sealed class AccountDeactivationTests(WebNode.WithOutboxOnly web) : IClassFixture<WebNode.WithOutboxOnly>
{
    NpgsqlDataSource Db => web.Services.GetRequiredService<NpgsqlDataSource>();

    async Task<HttpStatusCode> SignInStatusAsync(string userName)
    {
        using var client = web.CreateClient();
        var response = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion", ("Login", userName), ("Password", DemoSchool.Password));
        return response.StatusCode;
    }

    async Task<Guid> ParentIdAsync(string userName) =>
        (await new ParentAccounts(Db).ListAsync(DemoSchool.Id)).Single(p => p.UserName == userName).Id;

    [Fact]
    public async Task A_deactivated_parent_is_signed_out_at_once_cannot_sign_in_or_reset_and_comes_back_as_before()
    {
        using var amelie = await SignedIn.AsAsync(web, "amelie.lefevre");
        Assert.Equal(HttpStatusCode.OK, (await amelie.GetAsync("/e/demo/comptes")).StatusCode);
        var id = await ParentIdAsync("amelie.lefevre");
        var childrenBefore = (await new ParentAccounts(Db).FindAsync(DemoSchool.Id, id))!.Children.Count;
        using var manager = await ManagerClient.SignInAsync(web);

        var deactivated = await manager.PostAsync("gestion/parents", $"gestion/parents/{id}/desactiver");

        Assert.Equal(HttpStatusCode.Redirect, deactivated.StatusCode);
        Assert.Contains("ok=compte-desactive", deactivated.Headers.Location!.ToString());
        Assert.NotEqual(HttpStatusCode.OK, (await amelie.GetAsync("/e/demo/comptes")).StatusCode);
        Assert.NotEqual(HttpStatusCode.Redirect, await SignInStatusAsync("amelie.lefevre"));
        var outbox = web.Services.GetRequiredService<Outbox>();
        var email = (await new ParentAccounts(Db).FindAsync(DemoSchool.Id, id))!.Email!;
        var mailsBefore = (await outbox.ListAsync(DemoSchool.Id)).Count(m => m.RecipientAddress == email);
        using (var anonymous = web.CreateClient())
        {
            await Forms.PostAsync(anonymous, "/e/demo/mot-de-passe-oublie", "/e/demo/mot-de-passe-oublie", ("Email", email));
        }
        Assert.Equal(mailsBefore, (await outbox.ListAsync(DemoSchool.Id)).Count(m => m.RecipientAddress == email));
        var list = await manager.PageAsync("gestion/parents");
        Assert.Contains("Désactivé le", list);
        Assert.Contains($"gestion/parents/{id}/reactiver", list);
        var parent = (await new ParentAccounts(Db).FindAsync(DemoSchool.Id, id))!;
        Assert.Equal(childrenBefore, parent.Children.Count);

        var reactivated = await manager.PostAsync("gestion/parents", $"gestion/parents/{id}/reactiver");

        Assert.Contains("ok=compte-reactive", reactivated.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, await SignInStatusAsync("amelie.lefevre"));
    }

    [Fact]
    public async Task A_deactivated_teacher_cannot_sign_in_and_the_manager_cannot_deactivate_themselves()
    {
        using var manager = await ManagerClient.SignInAsync(web);
        var staff = await new StaffAccounts(Db).ListAsync(DemoSchool.Id);
        var julien = staff.Single(s => s.UserName == "julien.peeters").Id;
        var claire = staff.Single(s => s.UserName == "claire.dupont").Id;

        await manager.PostAsync("gestion/personnel", $"gestion/personnel/{julien}/desactiver");
        Assert.NotEqual(HttpStatusCode.Redirect, await SignInStatusAsync("julien.peeters"));

        var own = await manager.PostAsync("gestion/personnel", $"gestion/personnel/{claire}/desactiver");
        Assert.Contains("ok=pas-soi-meme", own.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, await SignInStatusAsync("claire.dupont"));
        Assert.DoesNotContain($"gestion/personnel/{claire}/desactiver", await manager.PageAsync("gestion/personnel"));
    }

    [Fact]
    public async Task A_forged_id_a_parent_on_the_staff_list_or_a_parent_posting_changes_nothing()
    {
        using var manager = await ManagerClient.SignInAsync(web);
        var marc = await ParentIdAsync("marc.dubois");

        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync("gestion/parents", $"gestion/parents/{Guid.NewGuid()}/desactiver")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync("gestion/personnel", $"gestion/personnel/{marc}/desactiver")).StatusCode);
        using var pierre = await SignedIn.AsAsync(web, "pierre.lefevre");
        var forged = await Forms.PostAsync(pierre, "/e/demo/comptes", $"/e/demo/gestion/parents/{marc}/desactiver");
        Assert.NotEqual(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, await SignInStatusAsync("marc.dubois"));
    }
}