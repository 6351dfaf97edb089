using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ItSchool.Platform;
using ItSchool.Pupils;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Invoices;

/// <summary>A line of the charges list, billed or not yet.</summary>
public sealed record Charge(Guid Id, Guid PupilId, string PupilName, string ClassName, DateOnly ChargedOn, string Label, int Quantity,
    long UnitCents, Guid? InvoiceId);

/// <summary>What is wrong with a charge, typed or imported; the web tier words it in the reader's language.</summary>
public enum ChargeProblem
{
    /// <summary>A quote opened on the line is never closed.</summary>
    UnclosedQuote = 1,
    /// <summary>The file has a header but no charge.</summary>
    Empty = 2,
    /// <summary>Fewer than the 8 columns.</summary>
    Columns = 3,
    UnknownPupil = 4,
    InvalidDate = 5,
    /// <summary>The label, quantity or unit price.</summary>
    InvalidLine = 6,
    /// <summary>No file, too large, or not text.</summary>
    Unreadable = 7,
}

/// <summary>A line of an imported file that stops the import, numbered as a spreadsheet shows it (the header is line 1).</summary>
public sealed record ChargeLineError(int Line, ChargeProblem Problem);

public sealed record ChargeImportResult(int Added, int AlreadyThere, IReadOnlyList<ChargeLineError> Errors);

/// <summary>
/// The charges list and the grouped invoice made from it. CSV columns (header first, ';' or ','):
/// <c>matricule;prenom;nom;classe;date;libelle;quantite;prix_unitaire</c>; a pupil is found by matricule, or
/// by first name, last name and class when the matricule is empty.
/// </summary>
public sealed class Charges(NpgsqlDataSource db)
{
    /// <summary>All lines or none: a file with any error writes nothing; a line already imported is skipped.</summary>
    public async Task<ChargeImportResult> ImportAsync(Guid schoolId, string csv, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var (records, unclosed) = CsvText.Read(csv);
        var errors = new List<ChargeLineError>();
        if (unclosed is { } line)
        {
            errors.Add(new(line, ChargeProblem.UnclosedQuote));
        }
        if (records.Count < 2)
        {
            return new ChargeImportResult(0, 0, errors.Count > 0 ? errors : [new(1, ChargeProblem.Empty)]);
        }
        var pupils = await PupilsAsync(schoolId, cancellationToken);
        var rows = new List<(Guid Pupil, DateOnly On, string Label, int Quantity, long Unit)>();
        foreach (var record in records.Skip(1))
        {
            var f = record.Fields.Select(v => v.Trim()).ToList();
            if (f.Count < 8)
            {
                errors.Add(new(record.Line, ChargeProblem.Columns));
                continue;
            }
            Guid? pupil = f[0].Length > 0
                ? pupils.FirstOrDefault(p => p.Reference == f[0])?.Id
                : pupils.SingleOrDefault(p => Same(p.FirstName, f[1]) && Same(p.LastName, f[2]) && Same(p.ClassName, f[3]))?.Id;
            if (pupil is null)
            {
                errors.Add(new(record.Line, ChargeProblem.UnknownPupil));
            }
            else if (Check(f[4], f[5], f[6], f[7]) is var (problem, row) && problem is not null)
            {
                errors.Add(new(record.Line, problem.Value));
            }
            else
            {
                rows.Add((pupil.Value, row.On, row.Label, row.Quantity, row.Unit));
            }
        }
        if (errors.Count > 0)
        {
            return new ChargeImportResult(0, 0, errors);
        }
        var added = await InsertAsync(schoolId, rows, now, cancellationToken);
        return new ChargeImportResult(added, rows.Count - added, []);
    }

    /// <summary>One charge typed by the manager: null when added (or already there), else what is wrong.</summary>
    public async Task<ChargeProblem?> AddAsync(Guid schoolId, string? pupilId, string? date, string? label,
        string? quantity, string? unitPrice, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // The pupil comes from a select, but a form can be forged: only a pupil of this school is taken.
        if (!Guid.TryParse(pupilId, out var pupil) || (await PupilsAsync(schoolId, cancellationToken)).All(p => p.Id != pupil))
        {
            return ChargeProblem.UnknownPupil;
        }
        if (Check(date ?? "", (label ?? "").Trim(), quantity ?? "", unitPrice ?? "") is var (problem, row) && problem is not null)
        {
            return problem;
        }
        await InsertAsync(schoolId, [(pupil, row.On, row.Label, row.Quantity, row.Unit)], now, cancellationToken);
        return null;
    }

    static (ChargeProblem? Problem, (DateOnly On, string Label, int Quantity, long Unit) Row) Check(string date, string label, string quantity,
        string unitPrice)
    {
        if (!DateOnly.TryParseExact(date, ["dd/MM/yyyy", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var on))
        {
            return (ChargeProblem.InvalidDate, default);
        }
        if (label.Length is 0 or > 200 || !int.TryParse(quantity, out var count) || count is <= 0 or > 1000 || !TryCents(unitPrice, out var unit))
        {
            return (ChargeProblem.InvalidLine, default);
        }
        return (null, (on, label, count, unit));
    }

    async Task<int> InsertAsync(Guid schoolId,
        IReadOnlyList<(Guid Pupil, DateOnly On, string Label, int Quantity, long Unit)> rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO invoice_charges (id, school_id, pupil_id, charged_on, label, quantity, unit_cents, created_at)
            SELECT gen_random_uuid(), @school, r.pupil, r.charged_on, r.label, r.quantity, r.unit, @now
            FROM unnest(@pupils, @dates, @labels, @quantities, @units) AS r(pupil, charged_on, label, quantity, unit)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("pupils", rows.Select(r => r.Pupil).ToArray());
        command.Parameters.AddWithValue("dates", rows.Select(r => r.On).ToArray());
        command.Parameters.AddWithValue("labels", rows.Select(r => r.Label).ToArray());
        command.Parameters.AddWithValue("quantities", rows.Select(r => r.Quantity).ToArray());
        command.Parameters.AddWithValue("units", rows.Select(r => r.Unit).ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Charge>> UnbilledAsync(Guid schoolId, DateOnly? from = null, DateOnly? to = null,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT c.id, c.pupil_id, p.last_name || ' ' || p.first_name, p.class_name, c.charged_on, c.label, c.quantity, c.unit_cents, c.invoice_id
            FROM invoice_charges c JOIN pupils p ON p.id = c.pupil_id
            WHERE c.school_id = @school AND c.invoice_id IS NULL
              AND (@from::date IS NULL OR c.charged_on >= @from) AND (@to::date IS NULL OR c.charged_on <= @to)
            ORDER BY p.last_name, p.first_name, c.charged_on, c.label
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlTypes.NpgsqlDbType.Date) { Value = from is { } f ? f : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlTypes.NpgsqlDbType.Date) { Value = to is { } t ? t : DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var charges = new List<Charge>();
        while (await reader.ReadAsync(cancellationToken))
        {
            charges.Add(new Charge(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateOnly>(4),
                reader.GetString(5), reader.GetInt32(6), reader.GetInt64(7), reader.IsDBNull(8) ? null : reader.GetGuid(8)));
        }
        return charges;
    }

    /// <summary>
    /// One invoice per pupil gathering the period's unbilled charges. Each pupil's charges are first claimed for
    /// an invoice id derived from the request key and the pupil, then the invoice is issued under that id: a
    /// charge is billed once, and the same request again (a resent form, a retry after a crash) issues the
    /// same invoices, never new ones.
    /// </summary>
    public async Task<int> InvoiceAsync(IGrainFactory grains, Guid schoolId, string requestKey, string label,
        DateOnly from, DateOnly to, DateOnly issuedOn, DateOnly dueOn, Actor actor, Func<int, int, Task>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var unbilled = (await UnbilledAsync(schoolId, from, to, cancellationToken)).GroupBy(c => c.PupilId).ToList();
        var issued = 0;
        var handled = 0;
        foreach (var pupil in unbilled)
        {
            if (progress is not null && handled++ % 10 == 0)
            {
                await progress(handled - 1, unbilled.Count);
            }
            var invoiceId = InvoiceId(requestKey, pupil.Key);
            await using (var claim = db.CreateCommand(
                "UPDATE invoice_charges SET invoice_id = @invoice WHERE id = ANY(@ids) AND invoice_id IS NULL"))
            {
                claim.Parameters.AddWithValue("invoice", invoiceId);
                claim.Parameters.AddWithValue("ids", pupil.Select(c => c.Id).ToArray());
                await claim.ExecuteNonQueryAsync(cancellationToken);
            }
            if (await IssueClaimedAsync(grains, schoolId, invoiceId, pupil.Key, label, issuedOn, dueOn, actor, cancellationToken))
            {
                issued++;
            }
        }
        // Claims of an earlier attempt with this key that crashed before issuing are issued now.
        await using (var orphans = db.CreateCommand("""
            SELECT DISTINCT c.invoice_id, c.pupil_id FROM invoice_charges c
            WHERE c.school_id = @school AND c.invoice_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.id = c.invoice_id)
            """))
        {
            orphans.Parameters.AddWithValue("school", schoolId);
            var pending = new List<(Guid, Guid)>();
            await using (var reader = await orphans.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    pending.Add((reader.GetGuid(0), reader.GetGuid(1)));
                }
            }
            foreach (var (invoiceId, pupilId) in pending)
            {
                if (await IssueClaimedAsync(grains, schoolId, invoiceId, pupilId, label, issuedOn, dueOn, actor, cancellationToken))
                {
                    issued++;
                }
            }
        }
        return issued;
    }

    /// <summary>How many invoices the grouped invoicing with this key has issued, over all its attempts.</summary>
    public async Task<int> IssuedCountAsync(Guid schoolId, string requestKey, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT DISTINCT c.pupil_id, c.invoice_id FROM invoice_charges c
            WHERE c.school_id = @school AND c.invoice_id IS NOT NULL AND EXISTS (SELECT 1 FROM invoices i WHERE i.id = c.invoice_id)
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var count = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetGuid(1) == InvoiceId(requestKey, reader.GetGuid(0)))
            {
                count++;
            }
        }
        return count;
    }

    async Task<bool> IssueClaimedAsync(IGrainFactory grains, Guid schoolId, Guid invoiceId, Guid pupilId, string label,
        DateOnly issuedOn, DateOnly dueOn, Actor actor, CancellationToken cancellationToken)
    {
        var lines = new List<InvoiceLine>();
        await using (var command = db.CreateCommand(
            "SELECT charged_on, label, quantity, unit_cents FROM invoice_charges WHERE invoice_id = @invoice ORDER BY charged_on, label"))
        {
            command.Parameters.AddWithValue("invoice", invoiceId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(new InvoiceLine($"{reader.GetFieldValue<DateOnly>(0):dd/MM} {reader.GetString(1)}", reader.GetInt32(2), reader.GetInt64(3)));
            }
        }
        var invoice = grains.GetGrain<IInvoiceGrain>(invoiceId);
        if (lines.Count == 0 || await invoice.GetAsync() is not null)
        {
            return false;
        }
        var result = await invoice.IssueAsync(new NewInvoice(schoolId, pupilId, label, issuedOn, dueOn, lines, actor));
        return result.Problem is null;
    }

    static Guid InvoiceId(string requestKey, Guid pupil) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"grouped-invoice/{requestKey}/{pupil}")).AsSpan(0, 16));

    static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.CurrentCultureIgnoreCase);

    static bool TryCents(string text, out long cents)
    {
        cents = 0;
        var cleaned = text.Replace("€", "").Replace(" ", "").Replace(',', '.');
        if (!decimal.TryParse(cleaned, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var euros) || euros <= 0
            || decimal.Round(euros, 2) != euros || euros > 100_000m)
        {
            return false;
        }
        cents = (long)(euros * 100m);
        return true;
    }

    sealed record KnownPupil(Guid Id, string FirstName, string LastName, string ClassName, string? Reference);

    async Task<IReadOnlyList<KnownPupil>> PupilsAsync(Guid schoolId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT id, first_name, last_name, class_name, reference FROM pupils WHERE school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pupils = new List<KnownPupil>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pupils.Add(new KnownPupil(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return pupils;
    }
}