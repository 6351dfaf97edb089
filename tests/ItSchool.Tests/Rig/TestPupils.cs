using ItSchool.Schools;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Rig;

/// <summary>Pupils a test makes for itself in the demo school, so that no other test reads or changes them.</summary>
public static class TestPupils
{
    /// <summary>A new pupil guarded by the demo accounts named <paramref name="guardians"/>.</summary>
    public static async Task<Guid> AddAsync(WebNode web, string firstName, string lastName, string className, params string[] guardians)
    {
        var id = Guid.CreateVersion7();
        await using var insert = web.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@id, @school, @name, @last_name, @class);
            INSERT INTO guardianships (school_id, user_id, pupil_id) SELECT @school, u.id, @id FROM users u WHERE u.school_id = @school AND u.user_name = ANY(@guardians);
            """);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("school", DemoSchool.Id);
        insert.Parameters.AddWithValue("name", firstName);
        insert.Parameters.AddWithValue("last_name", lastName);
        insert.Parameters.AddWithValue("class", className);
        insert.Parameters.AddWithValue("guardians", guardians);
        await insert.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>
    /// A new pupil in a class of its own (both named from <paramref name="firstPrefix"/> and <paramref name="classPrefix"/> and
    /// a piece of its id), with <paramref name="walletCents"/> topped up in the wallet's <paramref name="compartment"/>.
    /// </summary>
    public static async Task<(Guid Id, string FirstName, string ClassName)> InClassOfItsOwnAsync(WebNode web, string firstPrefix, string lastName,
        string classPrefix, long walletCents, int compartment, params string[] guardians)
    {
        var suffix = Guid.NewGuid().ToString("N")[^6..];
        var (firstName, className) = ($"{firstPrefix}{suffix}", $"{classPrefix}{suffix}");
        var id = await AddAsync(web, firstName, lastName, className, guardians);
        if (walletCents > 0)
        {
            Assert.True((await web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(id).CreditAsync(new Credit(Guid.NewGuid().ToString(),
                compartment, walletCents, MovementKind.BankTopUp, PaymentMethod.BankTransfer, LedgerSubject.BankTopUp,
                new Actor(ActorKind.Import, "test", "Test")))).Accepted);
        }
        return (id, firstName, className);
    }
}