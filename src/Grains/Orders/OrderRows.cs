using ItSchool.Wallets;
using Npgsql;
using NpgsqlTypes;

namespace ItSchool.Orders;

/// <summary>A wallet order, written as placed in the same commit as its debit.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderWritten([property: Id(0)] OrderView Order) : LedgerAttachment
{
    public override IEnumerable<NpgsqlBatchCommand> Commands() => Insert([Order]);

    public override IEnumerable<NpgsqlBatchCommand> Commands(IReadOnlyList<LedgerAttachment> sameType) =>
        Insert([.. sameType.Cast<OrderWritten>().Select(written => written.Order)]);

    /// <summary>The orders and all their lines, in two statements whatever their number.</summary>
    internal static IEnumerable<NpgsqlBatchCommand> Insert(IReadOnlyList<OrderView> orders)
    {
        var rows = new NpgsqlBatchCommand("""
            INSERT INTO orders (id, form_id, school_id, pupil_id, request_key, total_cents, payment, compartment, invoice_id, status,
                                placed_by_kind, placed_by_id, placed_by_name, placed_at)
            SELECT id, form, school, pupil, key, total, payment, compartment, invoice, 'placed', kind, actor_id, actor_name, at
            FROM unnest(@id, @form, @school, @pupil, @key, @total, @payment, @compartment, @invoice, @kind, @actor_id, @actor_name, @at)
                 AS t(id, form, school, pupil, key, total, payment, compartment, invoice, kind, actor_id, actor_name, at)
            """);
        rows.Parameters.AddWithValue("id", orders.Select(o => o.Id).ToArray());
        rows.Parameters.AddWithValue("form", orders.Select(o => o.FormId).ToArray());
        rows.Parameters.AddWithValue("school", orders.Select(o => o.SchoolId).ToArray());
        rows.Parameters.AddWithValue("pupil", orders.Select(o => o.PupilId).ToArray());
        rows.Parameters.AddWithValue("key", orders.Select(o => o.RequestKey).ToArray());
        rows.Parameters.AddWithValue("total", orders.Select(o => o.TotalCents).ToArray());
        rows.Parameters.AddWithValue("payment", orders.Select(o => LedgerNames.ToDatabase(o.Payment)).ToArray());
        rows.Parameters.Add(new NpgsqlParameter("compartment", NpgsqlDbType.Array | NpgsqlDbType.Smallint)
        {
            Value = orders.Select(o => o.Compartment is { } c ? (short?)c : null).ToArray(),
        });
        rows.Parameters.Add(new NpgsqlParameter("invoice", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = orders.Select(o => o.InvoiceId).ToArray() });
        rows.Parameters.AddWithValue("kind", orders.Select(o => LedgerNames.ToDatabase(o.PlacedBy.Kind)).ToArray());
        rows.Parameters.Add(new NpgsqlParameter("actor_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = orders.Select(o => o.PlacedBy.Id).ToArray() });
        rows.Parameters.Add(new NpgsqlParameter("actor_name", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = orders.Select(o => o.PlacedBy.Name).ToArray() });
        rows.Parameters.AddWithValue("at", orders.Select(o => o.PlacedAt).ToArray());
        yield return rows;
        var lines = orders.SelectMany(o => o.Lines.Select((line, position) => (o.Id, Position: position, Line: line))).ToList();
        var written = new NpgsqlBatchCommand("""
            INSERT INTO order_lines (order_id, position, article_code, option, label, quantity, unit_cents)
            SELECT * FROM unnest(@orders, @positions, @codes, @options, @labels, @quantities, @units)
            """);
        written.Parameters.AddWithValue("orders", lines.Select(l => l.Id).ToArray());
        written.Parameters.AddWithValue("positions", lines.Select(l => l.Position).ToArray());
        written.Parameters.AddWithValue("codes", lines.Select(l => l.Line.ArticleCode).ToArray());
        written.Parameters.AddWithValue("options", lines.Select(l => l.Line.Option).ToArray());
        written.Parameters.AddWithValue("labels", lines.Select(l => l.Line.Label).ToArray());
        written.Parameters.AddWithValue("quantities", lines.Select(l => l.Line.Quantity).ToArray());
        written.Parameters.AddWithValue("units", lines.Select(l => l.Line.UnitCents).ToArray());
        yield return written;
    }
}