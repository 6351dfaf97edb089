using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Platform.Database;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.BankStatements;

/// <summary>
/// A movement no rule could place, as the manager sees it in "À traiter"; <paramref name="Decline"/> says why
/// a wallet or an invoice refused it, when one did.
/// </summary>
public sealed record UnresolvedMovement(
    long Id, long AmountCents, DateOnly ValueDate, string? CounterpartyName, string? CounterpartyAccount, string? Communication,
    BankMessage? Decline, IReadOnlyList<Suggestion> Suggestions);

/// <summary>A compartment the movement probably belongs to, and why ("communication à un chiffre près", "nom de l'élève").</summary>
public sealed record Suggestion(Guid PupilId, int Compartment, string Label, SuggestionReason Why);

/// <summary>A pupil's compartment a movement can be given to; the label is "class · name · compartment".</summary>
public sealed record Destination(Guid PupilId, int Compartment, string Label);

public enum SuggestionReason
{
    CommunicationOneDigitOff,
    PupilName,
}

public enum ResolveProblem
{
    NotFound,
    AlreadyResolved,
    NotACredit,
    UnknownCompartment,
    UnknownInvoice,
    ReasonRequired,
    Declined,
}

/// <summary>
/// The "À traiter" list: credits with an unknown or free-text communication, debits and zero amounts. The
/// manager gives a credit to a pupil's compartment (or an invoice), or marks any line as not for ItSchool
/// with a reason. A line is claimed before money moves, so a double click credits once.
/// </summary>
public sealed partial class MovementsToResolve(NpgsqlDataSource db, IGrainFactory grains, IInvoiceMatcher invoices, TimeProvider clock)
{
    public async Task<int> CountAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT count(*) FROM bank_movements WHERE school_id = @school AND status = 'to_resolve'");
        command.Parameters.AddWithValue("school", schoolId);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>One line of the list, with its suggestions; null unless it is this school's and still to resolve.</summary>
    public async Task<UnresolvedMovement?> FindAsync(Guid schoolId, long movementId, CancellationToken cancellationToken = default) =>
        (await ListAsync(schoolId, (1, 0), cancellationToken, movementId)).SingleOrDefault();

    /// <summary>One page of the list, newest first; suggestions are looked for on that page only.</summary>
    public async Task<Paged<UnresolvedMovement>> PageAsync(Guid schoolId, PageRequest page, CancellationToken cancellationToken = default) =>
        await Paging.ReadAsync(page, await CountAsync(schoolId, cancellationToken),
            (limit, offset) => ListAsync(schoolId, (limit, offset), cancellationToken));

    /// <summary>Every pupil's compartments, by class and name, for the manager's "other destination" choice.</summary>
    public async Task<IReadOnlyList<Destination>> DestinationsAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT p.id, w.compartment, p.class_name || ' · ' || p.last_name || ' ' || p.first_name || ' · ' || w.name
            FROM pupils p JOIN wallet_compartments w ON w.school_id = p.school_id
            WHERE p.school_id = @school ORDER BY p.class_name, p.last_name, p.first_name, w.compartment
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var destinations = new List<Destination>();
        while (await reader.ReadAsync(cancellationToken))
        {
            destinations.Add(new Destination(reader.GetGuid(0), reader.GetInt16(1), reader.GetString(2)));
        }
        return destinations;
    }

    /// <summary>What the payer wrote: a structured communication that matched nothing is shown as the bank printed it.</summary>
    static string? CommunicationOf(NpgsqlDataReader reader) =>
        reader.IsDBNull(5) || reader.GetString(5).Trim().Length == 0
            ? reader.IsDBNull(7) ? null : StructuredCommunication.From(reader.GetInt64(7)).ToString()
            : reader.GetString(5);

    async Task<IReadOnlyList<UnresolvedMovement>> ListAsync(Guid schoolId, (int Limit, int Offset) page, CancellationToken cancellationToken,
        long? onlyId = null)
    {
        var rows = new List<(long Id, long Amount, DateOnly Date, string? Name, string? Account, string? Communication, BankMessage? Decline)>();
        await using (var command = db.CreateCommand("""
            SELECT id, amount_cents, value_date, counterparty_name, counterparty_account, communication, decline, structured
            FROM bank_movements WHERE school_id = @school AND status = 'to_resolve' AND (@id::bigint IS NULL OR id = @id)
            ORDER BY value_date DESC, id DESC LIMIT @limit OFFSET @offset
            """))
        {
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.Add(new NpgsqlParameter("id", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)onlyId ?? DBNull.Value });
            command.Parameters.AddWithValue("limit", page.Limit);
            command.Parameters.AddWithValue("offset", page.Offset);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<DateOnly>(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), CommunicationOf(reader),
                    reader.IsDBNull(6) ? null : BankMessage.FromJson(reader.GetString(6))));
            }
        }
        if (rows.Count == 0)
        {
            return [];
        }

        // Every communication one digit away from what was typed, for every run of twelve digits in the texts.
        var nearby = rows.ToDictionary(r => r.Id, r => r.Amount > 0 ? OneDigitOff(r.Communication ?? "") : []);
        var compartments = new Dictionary<long, (Guid Pupil, int Compartment, string Label)>();
        var pupils = new List<(Guid Id, string First, string Last, int Compartment, string Label)>();
        await using (var command = db.CreateCommand("""
            SELECT c.communication, c.pupil_id, c.compartment, p.first_name || ' ' || p.last_name || ' (' || p.class_name || ') · ' || w.name
            FROM purse_compartments c JOIN pupils p ON p.id = c.pupil_id
            JOIN wallet_compartments w ON w.school_id = c.school_id AND w.compartment = c.compartment
            WHERE c.school_id = @school AND c.communication = ANY(@communications);
            SELECT p.id, p.first_name, p.last_name, w.compartment, p.first_name || ' ' || p.last_name || ' (' || p.class_name || ') · ' || w.name
            FROM pupils p JOIN wallet_compartments w ON w.school_id = p.school_id
            WHERE p.school_id = @school ORDER BY w.compartment;
            """))
        {
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("communications", nearby.Values.SelectMany(n => n).Distinct().ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                compartments[reader.GetInt64(0)] = (reader.GetGuid(1), reader.GetInt16(2), reader.GetString(3));
            }
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                pupils.Add((reader.GetGuid(0), Fold(reader.GetString(1)), Fold(reader.GetString(2)), reader.GetInt16(3), reader.GetString(4)));
            }
        }

        return rows.Select(r =>
        {
            var suggestions = new List<Suggestion>();
            if (r.Amount > 0)
            {
                suggestions.AddRange(nearby[r.Id].Where(compartments.ContainsKey).Select(n => compartments[n])
                    .Select(c => new Suggestion(c.Pupil, c.Compartment, c.Label, SuggestionReason.CommunicationOneDigitOff)));
                var words = $" {Fold(r.Communication ?? "")} ";
                suggestions.AddRange(pupils.Where(p => words.Contains($" {p.First} ", StringComparison.Ordinal) && words.Contains($" {p.Last} ", StringComparison.Ordinal))
                    .Where(p => suggestions.All(s => s.PupilId != p.Id || s.Compartment != p.Compartment))
                    .Select(p => new Suggestion(p.Id, p.Compartment, p.Label, SuggestionReason.PupilName)));
            }
            return new UnresolvedMovement(r.Id, r.Amount, r.Date, r.Name, r.Account, r.Communication, r.Decline, suggestions);
        }).ToList();
    }

    /// <summary>Credits a pupil's compartment with the movement, under the movement's bank reference.</summary>
    public async Task<ResolveProblem?> AssignToCompartmentAsync(Guid schoolId, long movementId, Guid pupilId, int compartment, Actor actor,
        CancellationToken cancellationToken = default)
    {
        if (await StatusAsync(schoolId, movementId, cancellationToken) is { } problem)
        {
            return problem;
        }
        await using var claim = db.CreateCommand("""
            UPDATE bank_movements m SET status = 'wallet', pupil_id = @pupil, compartment = @compartment, resolved_by = @by, resolved_at = @now
            WHERE m.id = @id AND m.school_id = @school AND m.status = 'to_resolve' AND m.amount_cents > 0
              AND EXISTS (SELECT 1 FROM pupils p JOIN wallet_compartments w ON w.school_id = p.school_id
                          WHERE p.id = @pupil AND p.school_id = @school AND w.compartment = @compartment)
            RETURNING bank_reference, amount_cents
            """);
        claim.Parameters.AddWithValue("id", movementId);
        claim.Parameters.AddWithValue("school", schoolId);
        claim.Parameters.AddWithValue("pupil", pupilId);
        claim.Parameters.AddWithValue("compartment", (short)compartment);
        claim.Parameters.AddWithValue("by", actor.Name ?? "");
        claim.Parameters.AddWithValue("now", clock.GetUtcNow());
        string reference;
        long amount;
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                // The line was open and a credit a moment ago: what failed is the pupil or compartment, or a second click.
                return await StatusAsync(schoolId, movementId, cancellationToken) ?? ResolveProblem.UnknownCompartment;
            }
            reference = reader.GetString(0);
            amount = reader.GetInt64(1);
        }
        var result = await BankImports.CreditAsync(grains, pupilId, compartment, reference, amount, actor);
        await using var settle = db.CreateCommand("""
            UPDATE bank_movements SET status = @status, ledger_entry_id = @entry, decline = @decline,
                   pupil_id = CASE WHEN @status = 'credited' THEN pupil_id END, compartment = CASE WHEN @status = 'credited' THEN compartment END
            WHERE id = @id AND status = 'wallet'
            """);
        settle.Parameters.AddWithValue("id", movementId);
        settle.Parameters.AddWithValue("status", (result.Accepted ? MovementStatus.Credited : MovementStatus.ToResolve).Stored());
        settle.Parameters.AddWithValue("entry", result.Accepted ? result.EntryIds[0] : DBNull.Value);
        settle.Parameters.Add(new NpgsqlParameter("decline", NpgsqlTypes.NpgsqlDbType.Jsonb)
        {
            Value = result.Accepted ? DBNull.Value : BankImports.WalletDeclined(result.Reason).ToJson(),
        });
        await settle.ExecuteNonQueryAsync(cancellationToken);
        return result.Accepted ? null : ResolveProblem.Declined;
    }

    /// <summary>Pays the invoice whose structured communication the manager typed.</summary>
    public async Task<ResolveProblem?> AssignToInvoiceAsync(Guid schoolId, long movementId, string? communication, Actor actor,
        CancellationToken cancellationToken = default)
    {
        if (await StatusAsync(schoolId, movementId, cancellationToken) is { } problem)
        {
            return problem;
        }
        if (!StructuredCommunication.TryParse(communication, out var parsed) ||
            !(await invoices.FindAsync(schoolId, [parsed], cancellationToken)).TryGetValue(parsed.Number, out var invoiceId))
        {
            return ResolveProblem.UnknownInvoice;
        }
        await using var claim = db.CreateCommand("""
            UPDATE bank_movements SET status = 'invoice', invoice_id = @invoice, resolved_by = @by, resolved_at = @now
            WHERE id = @id AND school_id = @school AND status = 'to_resolve' AND amount_cents > 0
            RETURNING bank_reference, amount_cents, value_date, counterparty_name
            """);
        claim.Parameters.AddWithValue("id", movementId);
        claim.Parameters.AddWithValue("school", schoolId);
        claim.Parameters.AddWithValue("invoice", invoiceId);
        claim.Parameters.AddWithValue("by", actor.Name ?? "");
        claim.Parameters.AddWithValue("now", clock.GetUtcNow());
        InvoiceTransferPayment payment;
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return ResolveProblem.AlreadyResolved;
            }
            payment = new InvoiceTransferPayment(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateOnly>(2),
                reader.IsDBNull(3) ? null : reader.GetString(3));
        }
        var paid = await invoices.PayAsync(invoiceId, payment);
        await using var settle = db.CreateCommand("UPDATE bank_movements SET status = @status WHERE id = @id AND status = 'invoice'");
        settle.Parameters.AddWithValue("id", movementId);
        settle.Parameters.AddWithValue("status", (paid ? MovementStatus.InvoicePaid : MovementStatus.ToResolve).Stored());
        await settle.ExecuteNonQueryAsync(cancellationToken);
        return paid ? null : ResolveProblem.Declined;
    }

    public async Task<ResolveProblem?> MarkNotForUsAsync(Guid schoolId, long movementId, string? reason, Actor actor,
        CancellationToken cancellationToken = default)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 200)
        {
            return ResolveProblem.ReasonRequired;
        }
        await using var command = db.CreateCommand("""
            UPDATE bank_movements SET status = 'not_for_us', reason = @reason, resolved_by = @by, resolved_at = @now
            WHERE id = @id AND school_id = @school AND status = 'to_resolve'
            """);
        command.Parameters.AddWithValue("id", movementId);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("reason", reason);
        command.Parameters.AddWithValue("by", actor.Name ?? "");
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? null : await StatusAsync(schoolId, movementId, cancellationToken) ?? ResolveProblem.AlreadyResolved;
    }

    /// <summary>Why this line cannot be resolved now, or null when it can.</summary>
    async Task<ResolveProblem?> StatusAsync(Guid schoolId, long movementId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT status, amount_cents FROM bank_movements WHERE id = @id AND school_id = @school");
        command.Parameters.AddWithValue("id", movementId);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return ResolveProblem.NotFound;
        }
        return MovementStatuses.Parse(reader.GetString(0)) != MovementStatus.ToResolve ? ResolveProblem.AlreadyResolved : reader.GetInt64(1) <= 0 ? ResolveProblem.NotACredit : null;
    }

    [GeneratedRegex("[0-9]{12}")]
    private static partial Regex TwelveDigits();

    /// <summary>
    /// The wallet communications a transfer probably meant: the twelve digits as typed with a wrong check,
    /// or with one digit changed so that the check holds.
    /// </summary>
    public static IReadOnlyList<long> OneDigitOff(string text)
    {
        var found = new HashSet<long>();
        foreach (Match match in TwelveDigits().Matches(string.Concat(text.Where(c => c is not ('+' or '/' or ' ' or '*' or '.' or '-')))))
        {
            var typed = match.Value.ToCharArray();
            for (var position = 0; position < typed.Length; position++)
            {
                var original = typed[position];
                for (var digit = '0'; digit <= '9'; digit++)
                {
                    typed[position] = digit;
                    if (StructuredCommunication.TryParse(new string(typed), out var candidate) && candidate.Number / 1_000_000_000 == 1)
                    {
                        found.Add(candidate.Number);
                    }
                }
                typed[position] = original;
            }
        }
        return found.ToList();
    }

    /// <summary>Lower case without accents or punctuation, words separated by one space: "Benoît" finds "benoit".</summary>
    static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            builder.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
        }
        return string.Join(' ', builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}