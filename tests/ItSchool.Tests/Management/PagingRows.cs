using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Management;

/// <summary>More than a page of rows in the demo school, in SQL: each call's in a class of its own, so a filter sees only them.</summary>
sealed class PagingRows(WebNode web)
{
    public const int Seeded = 60;

    NpgsqlDataSource Db => web.Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>60 pupils "Élève Paging 001" to "060" in a class of their own, whose name is the returned token.</summary>
    public async Task<string> PupilsAsync()
    {
        var className = $"pg{Guid.NewGuid():N}"[..12];
        await ExecuteAsync("""
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name)
            SELECT gen_random_uuid(), @school, 'Élève', 'Paging ' || lpad(n::text, 3, '0'), @class FROM generate_series(1, @seeded) n
            """, className);
        return className;
    }

    /// <summary>One open invoice of 10 € for each of <see cref="PupilsAsync"/>'s pupils, and five paid ones besides.</summary>
    public async Task<string> InvoicesAsync()
    {
        var className = await PupilsAsync();
        await ExecuteAsync("""
            INSERT INTO invoices (id, school_id, pupil_id, number, label, issued_on, due_on, total_cents, paid_cents, created_by, created_at)
            SELECT gen_random_uuid(), @school, p.id, 'PG-' || @class || '-' || right(p.last_name, 3), 'Classe verte', @today - 10, @today + 30,
                   1000, 0, 'test', now()
            FROM pupils p WHERE p.school_id = @school AND p.class_name = @class;
            INSERT INTO invoices (id, school_id, pupil_id, number, label, issued_on, due_on, total_cents, paid_cents, created_by, created_at)
            SELECT gen_random_uuid(), @school, p.id, 'PG-' || @class || '-paid-' || right(p.last_name, 3), 'Classe verte', @today - 40, @today - 10,
                   1000, 1000, 'test', now()
            FROM pupils p WHERE p.school_id = @school AND p.class_name = @class AND p.last_name <= 'Paging 005';
            """, className);
        return className;
    }

    public async Task ExecuteAsync(string sql, string className)
    {
        await using var command = Db.CreateCommand(sql);
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        command.Parameters.AddWithValue("class", className);
        command.Parameters.AddWithValue("seeded", Seeded);
        command.Parameters.AddWithValue("today", InvoiceStates.Today(web.Clock));
        await command.ExecuteNonQueryAsync();
    }
}