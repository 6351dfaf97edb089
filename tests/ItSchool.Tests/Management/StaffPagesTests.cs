using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Accounts;
using ItSchool.Mail;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Management;

public sealed partial class StaffPagesTests(WebNode.WithOutboxOnly web) : IClassFixture<WebNode.WithOutboxOnly>
{
    NpgsqlDataSource Db => web.Services.GetRequiredService<NpgsqlDataSource>();

    [Fact]
    public async Task A_new_teacher_is_invited_chooses_a_password_and_signs_in_as_a_teacher()
    {
        using var manager = await ManagerClient.SignInAsync(web);
        Assert.Contains("href=\"gestion/personnel\"", await manager.PageAsync("tableau-de-bord"));
        var created = await manager.PostAsync("gestion/personnel/nouveau", "gestion/personnel/nouveau",
            ("FirstName", "Inès"), ("LastName", "Vandamme"), ("Email", "ines.vandamme@ecole.example.be"), ("Role", "Teacher"),
            ("Invite", "true"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);

        var list = await manager.PageAsync("gestion/personnel");
        Assert.Contains("ines.vandamme", list);
        Assert.Contains("sophie.martin", list);
        Assert.DoesNotContain("marc.dubois", list);
        Assert.Contains("<th>Membre du personnel</th>", list);
        Assert.DoesNotContain("<th>Parent</th>", list);
        var ines = (await new StaffAccounts(Db).ListAsync(DemoSchool.Id)).Single(s => s.UserName == "ines.vandamme");
        Assert.Equal(Role.Teacher, ines.Role);
        Assert.Equal(ConnectionStatus.Invited, ines.Status);

        var mail = (await web.Services.GetRequiredService<Outbox>().ListAsync(DemoSchool.Id))
            .Single(m => m.RecipientAddress == "ines.vandamme@ecole.example.be");
        var token = WebUtility.UrlDecode(MailToken().Match(await manager.PageAsync($"gestion/courriels/{mail.Id}")).Groups[1].Value);
        using var browser = web.CreateClient(new CookieContainer());
        var step = await Forms.PostAsync(browser, $"/e/demo/premiere-connexion?jeton={token}", "/e/demo/premiere-connexion", ("Token", token));
        var passwordPage = await step.Content.ReadAsStringAsync();
        var chosen = await browser.PostAsync("/e/demo/premiere-connexion/mot-de-passe", new FormUrlEncodedContent(
        [
            new("Token", token), new("Password", "Classe-2026-ok"), new("Confirmation", "Classe-2026-ok"),
            new("__RequestVerificationToken", Forms.AntiforgeryToken(passwordPage)),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);

        using var teacher = await SignedIn.AsAsync(web, "ines.vandamme", "Classe-2026-ok");
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync("/e/demo/gestion/personnel")).StatusCode);
        Assert.Equal(ConnectionStatus.Connected, (await new StaffAccounts(Db).ListAsync(DemoSchool.Id)).Single(s => s.Id == ines.Id).Status);
    }

    [Theory]
    [InlineData("Parent")]
    [InlineData("1")]
    [InlineData("Teacher, Manager")]
    [InlineData("")]
    public async Task A_forged_role_is_refused_and_creates_nobody(string role)
    {
        using var manager = await ManagerClient.SignInAsync(web);
        var before = await UsersAsync();

        var answer = await manager.PostAsync("gestion/personnel/nouveau", "gestion/personnel/nouveau",
            ("FirstName", "Faux"), ("LastName", "Rôle"), ("Email", "faux.role@ecole.example.be"), ("Role", role));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("Choisissez un rôle dans la liste", await answer.Content.ReadAsStringAsync());
        Assert.Equal(before, await UsersAsync());
    }

    [Fact]
    public async Task A_bad_address_or_the_address_of_another_staff_member_says_why_and_creates_nobody()
    {
        using var manager = await ManagerClient.SignInAsync(web);
        var before = await UsersAsync();
        var sophie = (await new StaffAccounts(Db).ListAsync(DemoSchool.Id)).Single(s => s.UserName == "sophie.martin");

        var invalid = await manager.PostAsync("gestion/personnel/nouveau", "gestion/personnel/nouveau",
            ("FirstName", "Sans"), ("LastName", "Adresse"), ("Email", "pas-une-adresse"), ("Role", "Canteen"));
        var taken = await manager.PostAsync("gestion/personnel/nouveau", "gestion/personnel/nouveau",
            ("FirstName", "Sophie"), ("LastName", "Martin"), ("Email", sophie.Email!.ToUpperInvariant()), ("Role", "Manager"));

        Assert.Contains("n&#x27;est pas valable", await invalid.Content.ReadAsStringAsync());
        Assert.Contains("Un membre du personnel a déjà cette adresse e-mail.", await taken.Content.ReadAsStringAsync());
        Assert.Equal(before, await UsersAsync());
    }

    [Fact]
    public async Task Only_the_manager_reaches_the_staff_pages_and_a_parent_id_is_not_staff()
    {
        using var teacher = await ManagerClient.SignInAsync(web, "sophie.martin");
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync("gestion/personnel")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync("gestion/personnel/nouveau")).StatusCode);

        using var manager = await ManagerClient.SignInAsync(web);
        var marc = (await new ParentAccounts(Db).ListAsync(DemoSchool.Id)).Single(p => p.UserName == "marc.dubois");
        var outbox = await ScalarAsync("SELECT count(*) FROM mail_outbox");
        Assert.Equal(HttpStatusCode.NotFound,
            (await manager.PostAsync("gestion/personnel", $"gestion/personnel/{marc.Id}/invitation")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await manager.PostAsync("gestion/personnel", $"gestion/personnel/{Guid.NewGuid()}/invitation")).StatusCode);
        Assert.Equal(outbox, await ScalarAsync("SELECT count(*) FROM mail_outbox"));
    }

    [GeneratedRegex("premiere-connexion\\?jeton=([^\"&<\\s]+)")]
    private static partial Regex MailToken();

    Task<long> UsersAsync() => ScalarAsync("SELECT count(*) FROM users");

    async Task<long> ScalarAsync(string sql)
    {
        await using var command = Db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}