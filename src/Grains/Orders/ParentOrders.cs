using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Orders;

/// <summary>A form as a family's list shows it: what it is, and the days it is open.</summary>
public sealed record OpenOrderForm(Guid Id, OrderKind Kind, string Title, DateOnly OpensOn, DateOnly ClosesOn);

/// <summary>A proof of the photographer's, as the photo order's page lists it (the image itself comes by <see cref="OrderFormAdmin.ProofAsync"/>).</summary>
public sealed record ProofListed(Guid Id, string FileName);

/// <summary>
/// What the parents' pages read of the orders besides the form's grain: the forms open to a pupil, the titles of the
/// forms a pupil ordered on, the pupil's proofs, and a guardian opening an order's confirmation. Every read names the
/// school and the pupil whose guardian link the page checked.
/// </summary>
public sealed class ParentOrders(NpgsqlDataSource db)
{
    /// <summary>The forms of the school open on <paramref name="today"/> to the pupil's class, closing soonest first.</summary>
    public async Task<IReadOnlyList<OpenOrderForm>> OpenFormsAsync(Guid schoolId, Guid pupilId, DateOnly today, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT f.id, f.kind, f.title, f.opens_on, f.closes_on
            FROM order_forms f JOIN pupils p ON p.id = @pupil AND p.school_id = f.school_id
            WHERE f.school_id = @school AND @today BETWEEN f.opens_on AND f.closes_on
              AND (f.classes IS NULL OR p.class_name = ANY(f.classes))
            ORDER BY f.closes_on, f.title, f.id
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("today", today);
        return await ReadFormsAsync(command, cancellationToken);
    }

    /// <summary>The school's forms among <paramref name="ids"/> (to name the forms of a pupil's earlier orders).</summary>
    public async Task<IReadOnlyDictionary<Guid, OpenOrderForm>> FormsAsync(Guid schoolId, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT id, kind, title, opens_on, closes_on FROM order_forms WHERE school_id = @school AND id = ANY(@ids)");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        return (await ReadFormsAsync(command, cancellationToken)).ToDictionary(f => f.Id);
    }

    /// <summary>The pupil's proofs on the form, in the order the school uploaded them.</summary>
    public async Task<IReadOnlyList<ProofListed>> ProofsAsync(Guid schoolId, Guid formId, Guid pupilId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT pr.id, pr.file_name FROM order_proofs pr JOIN order_forms f ON f.id = pr.form_id AND f.school_id = @school
            WHERE pr.form_id = @form AND pr.pupil_id = @pupil
            ORDER BY pr.uploaded_at, pr.id
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("form", formId);
        command.Parameters.AddWithValue("pupil", pupilId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var proofs = new List<ProofListed>();
        while (await reader.ReadAsync(cancellationToken))
        {
            proofs.Add(new ProofListed(reader.GetGuid(0), reader.GetString(1)));
        }
        return proofs;
    }

    /// <summary>Marks the pupil's order's confirmation opened by this guardian (the first time counts); false when it is not this pupil's order in this school.</summary>
    public async Task<bool> OpenConfirmationAsync(Guid schoolId, Guid pupilId, Guid orderId, Guid guardianId, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            WITH found AS (SELECT id FROM orders WHERE id = @id AND school_id = @school AND pupil_id = @pupil),
            marked AS (
                INSERT INTO order_reads (order_id, user_id, opened_at) SELECT id, @guardian, @now FROM found
                ON CONFLICT DO NOTHING)
            SELECT count(*)::int FROM found
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("id", orderId);
        command.Parameters.AddWithValue("guardian", guardianId);
        command.Parameters.AddWithValue("now", now);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    static async Task<IReadOnlyList<OpenOrderForm>> ReadFormsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var forms = new List<OpenOrderForm>();
        while (await reader.ReadAsync(cancellationToken))
        {
            forms.Add(new OpenOrderForm(reader.GetGuid(0), LedgerNames.FromDatabase<OrderKind>(reader.GetString(1)), reader.GetString(2),
                reader.GetFieldValue<DateOnly>(3), reader.GetFieldValue<DateOnly>(4)));
        }
        return forms;
    }
}