using ItSchool.Accounts;
using ItSchool.Platform;
using Npgsql;

namespace ItSchool.Pupils;

/// <summary>
/// Imports pupils and their guardians from a CSV file, one row per pupil–guardian pair:
/// <c>matricule;prenom_eleve;nom_eleve;classe;prenom_parent;nom_parent;email_parent</c>. Pupils are found by
/// pupil number (created, or their name and class updated); guardians by address and name (linked, or a
/// parent account created). The whole file is applied in one transaction, and only when it has no error.
/// An import adds and updates; it never removes a pupil or a link.
/// </summary>
public sealed class PupilImport(NpgsqlDataSource db)
{
    public const int MaxBytes = 1_000_000;

    public static readonly IReadOnlyList<string> PupilColumns = ["matricule", "prenom_eleve", "nom_eleve", "classe"];
    public static readonly IReadOnlyList<string> GuardianColumns = ["prenom_parent", "nom_parent", "email_parent"];

    /// <summary>What the file would do to the school now; writes nothing.</summary>
    public async Task<ImportPlan> PlanAsync(Guid schoolId, string text, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await PlanAsync(connection, schoolId, text, cancellationToken);
    }

    /// <summary>
    /// Plans the file again against the register as it is now (it may have changed since the preview) and, if
    /// it is valid, applies all of it in one transaction. An invalid plan is returned as it is: nothing written.
    /// </summary>
    public async Task<ImportPlan> ApplyAsync(Guid schoolId, string text, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ParentAccounts.LockRegisterAsync(connection, schoolId, cancellationToken);
        var plan = await PlanAsync(connection, schoolId, text, cancellationToken);
        if (!plan.IsValid)
        {
            return plan;
        }

        var parents = new Dictionary<PlannedParent, (Guid Id, string UserName)>();
        foreach (var parent in plan.Parents)
        {
            if (parent.IsNew)
            {
                var account = await ParentAccounts.InsertAsync(connection, schoolId, parent.Parent, cancellationToken);
                parents[parent] = (account.Id, account.UserName);
            }
            else
            {
                parents[parent] = (parent.ExistingId!.Value, parent.UserName!);
            }
        }
        foreach (var pupil in plan.Pupils)
        {
            var pupilId = pupil.ExistingId ?? await PupilRegistry.InsertAsync(connection, schoolId, pupil.Details, cancellationToken);
            if (pupil.Change == PupilChange.Update)
            {
                await PupilRegistry.UpdateAsync(connection, schoolId, pupilId, pupil.Details, cancellationToken);
            }
            foreach (var link in pupil.Guardians.Where(g => g.IsNew))
            {
                await PupilRegistry.LinkAsync(connection, schoolId, pupilId, parents[link.Parent].Id, cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);

        var applied = plan.Parents.ToDictionary(p => p, p => p with { UserName = parents[p].UserName });
        return plan with
        {
            Parents = plan.Parents.Select(p => applied[p]).ToList(),
            Pupils = plan.Pupils.Select(p => p with { Guardians = p.Guardians.Select(g => g with { Parent = applied[g.Parent] }).ToList() }).ToList(),
        };
    }

    /// <summary>The rows of the file, or what is wrong with it, line by line; reads no database.</summary>
    public static (IReadOnlyList<ImportRow> Rows, IReadOnlyList<ImportError> Errors) Parse(string text)
    {
        if (text.Length > MaxBytes)
        {
            return ([], [new ImportError(1, ImportProblem.TooLarge)]);
        }
        var (records, unclosedQuoteLine) = CsvText.Read(text);
        var errors = new List<ImportError>();
        if (records.Count == 0)
        {
            return ([], [new ImportError(1, ImportProblem.Empty)]);
        }

        var header = records[0];
        var columns = header.Fields.Select(HeaderName).ToList();
        var hasGuardians = GuardianColumns.Any(columns.Contains);
        foreach (var missing in PupilColumns.Concat(hasGuardians ? GuardianColumns : []).Where(c => !columns.Contains(c)))
        {
            errors.Add(new ImportError(header.Line, ImportProblem.MissingColumn, missing));
        }
        if (errors.Count > 0)
        {
            return ([], errors);
        }

        var rows = new List<ImportRow>();
        var firstRowOfPupil = new Dictionary<string, ImportRow>();
        foreach (var record in records.Skip(1))
        {
            if (record.Fields.Skip(columns.Count).Any(f => f.Trim().Length > 0))
            {
                errors.Add(new ImportError(record.Line, ImportProblem.TooManyFields));
                continue;
            }
            if (ReadRow(record, columns, errors) is not { } row)
            {
                continue;
            }
            // A pupil number seen again must carry the same name and class.
            if (firstRowOfPupil.TryGetValue(row.Pupil.Reference!, out var earlier) && earlier.Pupil != row.Pupil)
            {
                errors.Add(new ImportError(row.Line, ImportProblem.ConflictingPupil, "matricule", row.Pupil.Reference, earlier.Line));
                continue;
            }
            firstRowOfPupil.TryAdd(row.Pupil.Reference!, row);
            rows.Add(row);
        }
        if (unclosedQuoteLine is { } line)
        {
            errors.Add(new ImportError(line, ImportProblem.UnclosedQuote));
        }
        if (errors.Count == 0 && rows.Count == 0)
        {
            errors.Add(new ImportError(header.Line, ImportProblem.NoPupils));
        }
        return (rows, errors.OrderBy(e => e.Line).ToList());
    }

    static ImportRow? ReadRow(CsvText.Record record, List<string> columns, List<ImportError> errors)
    {
        var errorCount = errors.Count;
        string Value(string column)
        {
            var index = columns.IndexOf(column);
            return index >= 0 && index < record.Fields.Count ? record.Fields[index].Trim() : "";
        }
        foreach (var column in PupilColumns.Where(c => Value(c).Length == 0))
        {
            errors.Add(new ImportError(record.Line, ImportProblem.MissingValue, column));
        }
        var guardianGiven = GuardianColumns.Any(c => Value(c).Length > 0);
        if (guardianGiven)
        {
            foreach (var column in GuardianColumns.Where(c => Value(c).Length == 0))
            {
                errors.Add(new ImportError(record.Line, ImportProblem.MissingValue, column));
            }
            var email = Value("email_parent");
            if (email.Length > 0 && !ParentAccounts.IsEmail(email))
            {
                errors.Add(new ImportError(record.Line, ImportProblem.InvalidEmail, "email_parent", email));
            }
        }
        if (errors.Count > errorCount)
        {
            return null;
        }
        var pupil = new PupilDetails(Value("prenom_eleve"), Value("nom_eleve"), Value("classe"), Value("matricule")).Tidied();
        var parent = guardianGiven ? new NewParent(Value("prenom_parent"), Value("nom_parent"), Value("email_parent")).Tidied() : null;
        return new ImportRow(record.Line, pupil, parent);
    }

    // "Prénom élève", "prenom-eleve" and "PRENOM_ELEVE" all name the documented column prenom_eleve, and
    // "E-mail parent" names email_parent.
    static string HeaderName(string header) =>
        ParentAccounts.Comparable(header).Replace(' ', '_').Replace('-', '_').Replace("e_mail", "email");

    static async Task<ImportPlan> PlanAsync(NpgsqlConnection connection, Guid schoolId, string text, CancellationToken cancellationToken)
    {
        var (rows, errors) = Parse(text);
        if (errors.Count > 0)
        {
            return ImportPlan.Invalid(errors);
        }

        var existingPupils = await ExistingPupilsAsync(connection, schoolId, rows.Select(r => r.Pupil.Reference!).Distinct(), cancellationToken);
        var candidates = await ParentsByEmailAsync(connection, schoolId,
            rows.Where(r => r.Parent is not null).Select(r => r.Parent!.Email.ToLowerInvariant()).Distinct(), cancellationToken);
        var links = await LinksAsync(connection, schoolId, existingPupils.Values.Select(p => p.Id), cancellationToken);

        var parents = new List<PlannedParent>();
        PlannedParent ParentOf(ImportRow row)
        {
            var parent = row.Parent!;
            var planned = parents.FirstOrDefault(p => parent.IsSamePerson(p.Parent.FirstName, p.Parent.LastName, p.Parent.Email));
            if (planned is null)
            {
                var existing = candidates.FirstOrDefault(c => parent.IsSamePerson(c.FirstName, c.LastName, c.Email));
                planned = new PlannedParent(row.Line, parent, existing?.Id, existing?.UserName);
                parents.Add(planned);
            }
            return planned;
        }

        var pupils = new List<PlannedPupil>();
        foreach (var group in rows.GroupBy(r => r.Pupil.Reference!))
        {
            var first = group.First();
            existingPupils.TryGetValue(group.Key, out var existing);
            var guardians = group.Where(r => r.Parent is not null).Select(ParentOf).Distinct()
                .Select(parent => new PlannedLink(parent, existing is null || parent.ExistingId is null
                    || !links.Contains((existing.Id, parent.ExistingId.Value))))
                .ToList();
            pupils.Add(new PlannedPupil(first.Line, first.Pupil, existing?.Id, existing?.Details, guardians));
        }
        return new ImportPlan([], pupils, parents);
    }

    static async Task<Dictionary<string, RegisteredPupil>> ExistingPupilsAsync(NpgsqlConnection connection, Guid schoolId,
        IEnumerable<string> references, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT id, first_name, last_name, class_name, reference FROM pupils
            WHERE school_id = @school AND reference = ANY(@references)
            """, connection);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("references", references.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pupils = new Dictionary<string, RegisteredPupil>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var pupil = new RegisteredPupil(reader.GetGuid(0), schoolId, reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), []);
            pupils[pupil.Reference!] = pupil;
        }
        return pupils;
    }

    static async Task<List<Guardian>> ParentsByEmailAsync(NpgsqlConnection connection, Guid schoolId, IEnumerable<string> emails,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT id, user_name, first_name, last_name, email FROM users
            WHERE school_id = @school AND role = 'parent' AND lower(email) = ANY(@emails)
            ORDER BY user_name
            """, connection);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("emails", emails.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var parents = new List<Guardian>();
        while (await reader.ReadAsync(cancellationToken))
        {
            parents.Add(new Guardian(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }
        return parents;
    }

    static async Task<HashSet<(Guid PupilId, Guid UserId)>> LinksAsync(NpgsqlConnection connection, Guid schoolId,
        IEnumerable<Guid> pupilIds, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT pupil_id, user_id FROM guardianships WHERE school_id = @school AND pupil_id = ANY(@pupils)", connection);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupils", pupilIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var links = new HashSet<(Guid, Guid)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            links.Add((reader.GetGuid(0), reader.GetGuid(1)));
        }
        return links;
    }
}

/// <summary>A valid row of the file: a pupil, and the guardian on the same row if there is one.</summary>
public sealed record ImportRow(int Line, PupilDetails Pupil, NewParent? Parent);