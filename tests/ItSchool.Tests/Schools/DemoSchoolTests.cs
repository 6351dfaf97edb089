using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.Logging.Abstractions;

namespace ItSchool.Tests.Schools;

public sealed class DemoSchoolTests
{
    [Fact]
    public async Task The_demo_school_is_seeded_once_with_its_families_and_sign_in_works()
    {
        await using var database = new MigratedDatabase();
        await database.InitializeAsync();

        Assert.True(await DemoSchool.SeedIfEmptyAsync(database.Db, NullLogger.Instance));
        Assert.False(await DemoSchool.SeedIfEmptyAsync(database.Db, NullLogger.Instance));
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM schools"));

        var accounts = new AccountDirectory(database.Db, TimeProvider.System);
        var amelie = await accounts.SignInAsync(DemoSchool.Id, "amelie.lefevre", DemoSchool.Password);
        Assert.NotNull(amelie);
        Assert.Equal(Role.Parent, amelie.Role);
        var byEmail = await accounts.SignInAsync(DemoSchool.Id, " AMELIE.LEFEVRE@example.be ", DemoSchool.Password);
        Assert.Equal(amelie.Id, byEmail?.Id);
        Assert.Null(await accounts.SignInAsync(DemoSchool.Id, "amelie.lefevre", "wrong"));
        Assert.Null(await accounts.SignInAsync(Guid.NewGuid(), "amelie.lefevre", DemoSchool.Password));

        var children = await new GuardianLinks(database.Db).ChildrenOfAsync(DemoSchool.Id, amelie.Id);
        Assert.Equal(["Benoît", "Geneviève", "Lucas"], children.Select(c => c.FirstName));
        Assert.Equal(3, children.Select(c => c.ClassName).Distinct().Count());

        // The second guardian has an account of their own and sees the children they share.
        var pierre = await accounts.SignInAsync(DemoSchool.Id, "pierre.lefevre", DemoSchool.Password);
        var shared = await new GuardianLinks(database.Db).ChildrenOfAsync(DemoSchool.Id, pierre!.Id);
        Assert.Equal(["Benoît", "Lucas"], shared.Select(c => c.FirstName));
        Assert.All(shared, child => Assert.Contains(children, c => c.Id == child.Id));
    }

    [Fact]
    public async Task An_installation_that_already_has_a_school_is_never_seeded()
    {
        await using var database = new MigratedDatabase();
        await database.InitializeAsync();
        await using (var insert = database.Db.CreateCommand(
            "INSERT INTO schools (id, slug, name) VALUES (gen_random_uuid(), 'sainte-marie', 'Institut Sainte-Marie')"))
        {
            await insert.ExecuteNonQueryAsync();
        }

        Assert.False(await DemoSchool.SeedIfEmptyAsync(database.Db, NullLogger.Instance));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM users"));
    }
}