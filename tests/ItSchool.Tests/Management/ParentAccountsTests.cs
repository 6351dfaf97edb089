using ItSchool.Accounts;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Management;

public sealed class ParentAccountsTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Theory]
    [InlineData("Amélie", "Lefèvre", "amelie.lefevre")]
    [InlineData("  Jean-Pierre ", "D'Hondt", "jean-pierre.dhondt")]
    [InlineData("Anne Sophie", "Van den Bossche", "annesophie.vandenbossche")]
    [InlineData("Zoë", "Cœurderoy", "zoe.coeurderoy")]
    [InlineData("ÉLODIE", "GÉRARD", "elodie.gerard")]
    [InlineData("Ольга", "Ng", "parent.ng")]
    public void A_user_name_is_first_and_last_name_without_accents_in_lower_case(string first, string last, string expected) =>
        Assert.Equal(expected, ParentAccounts.UserNameFor(first, last));

    [Fact]
    public async Task A_taken_user_name_gets_the_next_free_number()
    {
        var school = await TestSchools.CreateAsync(database.Db);
        var parents = new ParentAccounts(database.Db);

        var first = await parents.CreateAsync(school, new NewParent("Marie", "Dupont", "marie@example.be"));
        var second = await parents.CreateAsync(school, new NewParent("Marie", "Dupont", "marie.dupont@autre.example.be"));
        var third = await parents.CreateAsync(school, new NewParent("Marié", "DUPONT", "md@example.be"));
        var elsewhere = await parents.CreateAsync(await TestSchools.CreateAsync(database.Db), new NewParent("Marie", "Dupont", "marie@example.be"));

        Assert.Equal("marie.dupont", first.Account?.UserName);
        Assert.Equal("marie.dupont2", second.Account?.UserName);
        Assert.Equal("marie.dupont3", third.Account?.UserName);
        Assert.Equal("marie.dupont", elsewhere.Account?.UserName);
        Assert.Equal(Role.Parent, first.Account?.Role);
    }

    [Fact]
    public async Task Concurrent_creations_never_collide_on_a_user_name()
    {
        var school = await TestSchools.CreateAsync(database.Db);
        var parents = new ParentAccounts(database.Db);

        var created = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            parents.CreateAsync(school, new NewParent("Luc", "Martin", $"luc{i}@example.be"))));

        Assert.All(created, c => Assert.Null(c.Problem));
        Assert.Equal(8, created.Select(c => c.Account!.UserName).Distinct().Count());
    }

    [Theory]
    [InlineData("", "Dupont", "m@example.be", ParentProblem.FirstNameMissing)]
    [InlineData("Marie", " ", "m@example.be", ParentProblem.LastNameMissing)]
    [InlineData("Marie", "Dupont", "", ParentProblem.EmailMissing)]
    [InlineData("Marie", "Dupont", "marie@", ParentProblem.EmailInvalid)]
    [InlineData("Marie", "Dupont", "marie@example", ParentProblem.EmailInvalid)]
    [InlineData("Marie", "Dupont", "Marie <marie@example.be>", ParentProblem.EmailInvalid)]
    public async Task A_parent_with_a_missing_name_or_a_wrong_address_is_refused_and_nothing_is_written(
        string first, string last, string email, ParentProblem expected)
    {
        var school = await TestSchools.CreateAsync(database.Db);

        var (account, problem) = await new ParentAccounts(database.Db).CreateAsync(school, new NewParent(first, last, email));

        Assert.Null(account);
        Assert.Equal(expected, problem);
        Assert.Equal(0, await TestSchools.CountAsync(database.Db, "users", school));
    }

    [Fact]
    public async Task The_same_parent_twice_is_refused_but_two_guardians_may_share_an_address()
    {
        var school = await TestSchools.CreateAsync(database.Db);
        var parents = new ParentAccounts(database.Db);
        await parents.CreateAsync(school, new NewParent("Marie", "Dupont", "famille@example.be"));

        var again = await parents.CreateAsync(school, new NewParent(" marie ", "dupont", "FAMILLE@example.be"));
        var partner = await parents.CreateAsync(school, new NewParent("Paul", "Dupont", "famille@example.be"));

        Assert.Equal(ParentProblem.AlreadyExists, again.Problem);
        Assert.Equal("paul.dupont", partner.Account?.UserName);
    }

    [Fact]
    public async Task The_list_shows_children_and_whether_each_parent_was_invited_or_has_connected()
    {
        var school = await TestSchools.CreateAsync(database.Db);
        var parents = new ParentAccounts(database.Db);
        var tokens = new LoginTokens(database.Db, TimeProvider.System);
        var never = (await parents.CreateAsync(school, new NewParent("Anne", "Claes", "anne@example.be"))).Account!;
        var invited = (await parents.CreateAsync(school, new NewParent("Bert", "Claes", "bert@example.be"))).Account!;
        var connected = (await parents.CreateAsync(school, new NewParent("Carl", "Claes", "carl@example.be"))).Account!;
        await tokens.IssueAsync(school, invited.Id, TokenPurpose.Invitation);
        var token = await tokens.IssueAsync(school, connected.Id, TokenPurpose.Invitation);
        await tokens.RedeemAsync(school, token, PasswordHash.Create("Un-mot-de-passe-1"));
        var (pupil, _) = await new Pupils.PupilRegistry(database.Db).AddAsync(school, new Pupils.PupilDetails("Zoé", "Claes", "3A", null));
        await new Pupils.PupilRegistry(database.Db).LinkGuardianAsync(school, pupil!.Value, "anne@example.be");

        var list = await parents.ListAsync(school);

        Assert.Equal(["Anne", "Bert", "Carl"], list.Select(p => p.FirstName));
        Assert.Equal([ConnectionStatus.NeverInvited, ConnectionStatus.Invited, ConnectionStatus.Connected], list.Select(p => p.Status));
        Assert.Equal(["Zoé"], list[0].Children.Select(c => c.FirstName));
        Assert.Empty(list[1].Children);
        Assert.Equal(["anne.claes", "bert.claes"], (await parents.NotYetConnectedAsync(school)).Select(a => a.UserName));
        Assert.Equal(["anne.claes"], (await parents.NotYetConnectedAsync(school, "3A")).Select(a => a.UserName));
        Assert.Null(await parents.FindAsync(await TestSchools.CreateAsync(database.Db), never.Id));
    }
}