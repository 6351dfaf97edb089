using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Orders;

/// <summary>A wallet order, written as placed in the same commit as its debit.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderWritten([property: Id(0)] OrderView Order) : LedgerAttachment
{
    public override IEnumerable<NpgsqlBatchCommand> Commands() => Insert(Order);

    internal static IEnumerable<NpgsqlBatchCommand> Insert(OrderView order)
    {
        var row = new NpgsqlBatchCommand("""
            INSERT INTO orders (id, form_id, school_id, pupil_id, request_key, total_cents, payment, compartment, invoice_id, status,
                                placed_by_kind, placed_by_id, placed_by_name, placed_at)
            VALUES (@id, @form, @school, @pupil, @key, @total, @payment, @compartment, @invoice, 'placed', @kind, @actor_id, @actor_name, @at)
            """);
        row.Parameters.AddWithValue("id", order.Id);
        row.Parameters.AddWithValue("form", order.FormId);
        row.Parameters.AddWithValue("school", order.SchoolId);
        row.Parameters.AddWithValue("pupil", order.PupilId);
        row.Parameters.AddWithValue("key", order.RequestKey);
        row.Parameters.AddWithValue("total", order.TotalCents);
        row.Parameters.AddWithValue("payment", LedgerNames.ToDatabase(order.Payment));
        row.Parameters.Add(new NpgsqlParameter("compartment", NpgsqlTypes.NpgsqlDbType.Smallint) { Value = order.Compartment is { } c ? (short)c : DBNull.Value });
        row.Parameters.Add(new NpgsqlParameter("invoice", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)order.InvoiceId ?? DBNull.Value });
        row.Parameters.AddWithValue("kind", LedgerNames.ToDatabase(order.PlacedBy.Kind));
        row.Parameters.Add(new NpgsqlParameter("actor_id", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)order.PlacedBy.Id ?? DBNull.Value });
        row.Parameters.Add(new NpgsqlParameter("actor_name", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)order.PlacedBy.Name ?? DBNull.Value });
        row.Parameters.AddWithValue("at", order.PlacedAt);
        yield return row;
        var lines = new NpgsqlBatchCommand("""
            INSERT INTO order_lines (order_id, position, article_code, option, label, quantity, unit_cents)
            SELECT @id, p, c, o, l, q, u FROM unnest(@positions, @codes, @options, @labels, @quantities, @units) AS t(p, c, o, l, q, u)
            """);
        lines.Parameters.AddWithValue("id", order.Id);
        lines.Parameters.AddWithValue("positions", Enumerable.Range(0, order.Lines.Count).ToArray());
        lines.Parameters.AddWithValue("codes", order.Lines.Select(l => l.ArticleCode).ToArray());
        lines.Parameters.AddWithValue("options", order.Lines.Select(l => l.Option).ToArray());
        lines.Parameters.AddWithValue("labels", order.Lines.Select(l => l.Label).ToArray());
        lines.Parameters.AddWithValue("quantities", order.Lines.Select(l => l.Quantity).ToArray());
        lines.Parameters.AddWithValue("units", order.Lines.Select(l => l.UnitCents).ToArray());
        yield return lines;
    }
}