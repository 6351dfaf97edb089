using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Management;

public sealed class PupilRegistryTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task A_pupil_is_added_updated_and_listed_by_class_with_a_unique_pupil_number()
    {
        var school = await TestSchools.CreateAsync(database.Db);
        var registry = new PupilRegistry(database.Db);

        var (lina, _) = await registry.AddAsync(school, new PupilDetails(" Lina ", "Peeters", "2B", "1001"));
        await registry.AddAsync(school, new PupilDetails("Arthur", "Janssens", "1A", null));
        var taken = await registry.AddAsync(school, new PupilDetails("Other", "Pupil", "1A", "1001"));
        var updated = await registry.UpdateAsync(school, lina!.Value, new PupilDetails("Lina", "Peeters", "3B", "1001"));

        Assert.Equal(PupilProblem.ReferenceTaken, taken.Problem);
        Assert.Null(updated);
        Assert.Equal(["1A", "3B"], await registry.ClassesAsync(school));
        var found = await registry.FindAsync(school, lina.Value);
        Assert.Equal(new PupilDetails("Lina", "Peeters", "3B", "1001"), found?.Details);
        Assert.Equal(["Lina"], (await registry.ListAsync(school, "3B")).Select(p => p.FirstName));
        Assert.Equal(PupilProblem.ClassMissing, (await registry.AddAsync(school, new PupilDetails("Sans", "Classe", " ", null))).Problem);
        Assert.Equal(2, await TestSchools.CountAsync(database.Db, "pupils", school));
    }

    [Fact]
    public async Task Another_schools_pupil_is_neither_found_nor_changed()
    {
        var school = await TestSchools.CreateAsync(database.Db);
        var other = await TestSchools.CreateAsync(database.Db);
        var registry = new PupilRegistry(database.Db);
        var (pupil, _) = await registry.AddAsync(other, new PupilDetails("Noé", "Lambert", "5A", null));

        Assert.Null(await registry.FindAsync(school, pupil!.Value));
        Assert.Equal(PupilProblem.NotFound, await registry.UpdateAsync(school, pupil.Value, new PupilDetails("X", "Y", "1A", null)));
        Assert.Equal("5A", (await registry.FindAsync(other, pupil.Value))?.ClassName);
    }

    [Fact]
    public async Task Guardians_are_linked_by_address_or_user_name_and_unlinked_within_the_school_only()
    {
        var school = await TestSchools.CreateAsync(database.Db);
        var other = await TestSchools.CreateAsync(database.Db);
        var registry = new PupilRegistry(database.Db);
        var parents = new ParentAccounts(database.Db);
        var (pupil, _) = await registry.AddAsync(school, new PupilDetails("Emma", "Wouters", "4A", null));
        var mother = (await parents.CreateAsync(school, new NewParent("Julie", "Wouters", "famille.wouters@example.be"))).Account!;
        var father = (await parents.CreateAsync(school, new NewParent("Tom", "Wouters", "famille.wouters@example.be"))).Account!;
        await parents.CreateAsync(other, new NewParent("Eva", "Autre", "eva@example.be"));

        Assert.Equal(GuardianProblem.SeveralParents, await registry.LinkGuardianAsync(school, pupil!.Value, "famille.wouters@example.be"));
        Assert.Null(await registry.LinkGuardianAsync(school, pupil.Value, "julie.wouters"));
        Assert.Equal(GuardianProblem.AlreadyLinked, await registry.LinkGuardianAsync(school, pupil.Value, "JULIE.WOUTERS"));
        Assert.Equal(GuardianProblem.ParentUnknown, await registry.LinkGuardianAsync(school, pupil.Value, "eva@example.be"));
        Assert.Equal(GuardianProblem.PupilNotFound, await registry.LinkGuardianAsync(other, pupil.Value, "eva@example.be"));
        var (created, problem) = await registry.AddGuardianAsync(school, pupil.Value, new NewParent("Léa", "Wouters", "lea@example.be"));

        Assert.Null(problem);
        Assert.Equal("lea.wouters", created?.UserName);
        Assert.Equal(["Julie", "Léa"], (await registry.FindAsync(school, pupil.Value))!.Guardians.Select(g => g.FirstName));
        Assert.False(await registry.UnlinkGuardianAsync(other, pupil.Value, mother.Id));
        Assert.False(await registry.UnlinkGuardianAsync(school, pupil.Value, father.Id));
        Assert.True(await registry.UnlinkGuardianAsync(school, pupil.Value, mother.Id));
        Assert.Equal(["Léa"], (await registry.FindAsync(school, pupil.Value))!.Guardians.Select(g => g.FirstName));
    }

    [Fact]
    public async Task A_new_guardian_with_a_wrong_address_is_refused_and_no_account_is_created()
    {
        var school = await TestSchools.CreateAsync(database.Db);
        var registry = new PupilRegistry(database.Db);
        var (pupil, _) = await registry.AddAsync(school, new PupilDetails("Emma", "Wouters", "4A", null));

        var (created, problem) = await registry.AddGuardianAsync(school, pupil!.Value, new NewParent("Léa", "Wouters", "lea.example.be"));

        Assert.Null(created);
        Assert.Equal(ParentProblem.EmailInvalid, problem);
        Assert.Equal(0, await TestSchools.CountAsync(database.Db, "users", school));
    }
}