using Npgsql;

namespace ItSchool.Tests.Rig;

public static class DemoPupils
{
    /// <summary>The id of the demo pupil with this first name, in this node's database.</summary>
    public static async Task<Guid> IdAsync(WebNode web, string firstName)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("SELECT id FROM pupils WHERE first_name = @name");
        query.Parameters.AddWithValue("name", firstName);
        return (Guid)(await query.ExecuteScalarAsync())!;
    }
}