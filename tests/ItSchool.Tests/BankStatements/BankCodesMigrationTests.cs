using System.Text.RegularExpressions;
using ItSchool.BankStatements;
using ItSchool.Platform.Database;
using ItSchool.Tests.Rig;
using Npgsql;

namespace ItSchool.Tests.BankStatements;

/// <summary>Migration 0065: the French sentences earlier versions stored become codes that render the same, and nothing is lost.</summary>
public sealed class BankCodesMigrationTests
{
    const string Migration = "0065_bank_codes";

    [Theory]
    [InlineData("ligne 4 : l'enregistrement fait 127 caractères au lieu de 128", "Where.Line", "Coda.WrongLength")]
    [InlineData("ligne 10 : ancien solde 1000,00 € + crédits 21,74 € − débits 0,00 € = 1021,74 €, mais le nouveau solde est -1021,74 €",
        "Where.Line", "Coda.Balance")]
    [InlineData("ligne 28, élément Stmt[1]/TxsSummry : total des crédits annoncé 38,50 €, calculé 37,50 €", "Where.ElementAt", "Camt.Summary")]
    [InlineData("ligne 64, position 7 : XML illisible (Unexpected end of file has occurred)", "Where.Position", "Camt.UnreadableXml")]
    [InlineData("relevé n° 3 du compte BE71096123456769 : le dernier relevé importé pour ce compte est le n° 1 : il manque un ou plusieurs relevés entre les deux",
        "Where.Statement", "History.Gap")]
    [InlineData("relevé n° 2 du compte BE71096123456769 : le solde d'ouverture 12,00 € ne suit pas le solde de clôture du relevé n° 1 (11,00 €)",
        "Where.Statement", "History.Opening")]
    [InlineData("fichier : aperçu abandonné : il n'a pas été appliqué dans les 24 heures ; envoyez à nouveau le fichier", "Where.File",
        "Import.AbandonedPreview")]
    [InlineData("connexion interrompue : rien n'a été enregistré ; envoyez à nouveau le fichier", "Where.Connection", "Import.Abandoned")]
    [InlineData("ligne 2 : une raison qu'aucune version n'a jamais écrite", "Where.Line", BankMessage.AsWritten)]
    [InlineData("un texte sans endroit", null, BankMessage.AsWritten)]
    public async Task A_stored_French_problem_becomes_codes_that_read_as_before(string stored, string? where, string reason)
    {
        await using var db = await BeforeTheMigrationAsync();
        var school = await SchoolAsync(db);
        var import = Guid.NewGuid();
        await ExecuteAsync(db, """
            INSERT INTO bank_imports (id, school_id, file_name, status, problem, uploaded_at, uploaded_by)
            VALUES (@id, @school, 'ancien.cod', 'rejected', @problem, now(), 'Claire Dupont')
            """, ("id", import), ("school", school), ("problem", stored));

        await MigrateAsync(db);

        await using var read = db.CreateCommand("SELECT problem::text FROM bank_imports WHERE id = @id");
        read.Parameters.AddWithValue("id", import);
        var problem = StatementProblem.FromJson((string)(await read.ExecuteScalarAsync())!);
        Assert.Equal(where, problem.Where?.Code);
        Assert.Equal(reason, problem.Reason.Code);
        // Earlier versions wrote amounts without digit grouping; they now read as every amount does ("1 021,74 €").
        Assert.Equal(stored, Regex.Replace(BankFrench.Text(problem), "(?<=\\d)[\u202f\u00a0](?=\\d)", "").Replace('\u202f', ' ').Replace('\u00a0', ' '));
    }

    [Fact]
    public async Task A_declined_movement_gets_its_decline_as_a_code_and_a_manager_reason_stays_text()
    {
        await using var db = await BeforeTheMigrationAsync();
        var school = await SchoolAsync(db);
        var import = Guid.NewGuid();
        await ExecuteAsync(db, """
            INSERT INTO bank_imports (id, school_id, file_name, status, uploaded_at, uploaded_by)
            VALUES (@id, @school, 'ancien.cod', 'applied', now(), 'Claire Dupont')
            """, ("id", import), ("school", school));
        string[] reasons =
        [
            "Refusé par le portefeuille (UnknownCompartment).",
            "La facture a refusé le paiement.",
            "Texte d'une version inconnue",
        ];
        for (var i = 0; i < reasons.Length; i++)
        {
            await InsertMovementAsync(db, school, import, $"R{i}", "to_resolve", reasons[i]);
        }
        await InsertMovementAsync(db, school, import, "MANAGER", "not_for_us", "Frais bancaires");

        await MigrateAsync(db);

        var rows = new Dictionary<string, (string? Decline, string? Reason)>();
        await using (var read = db.CreateCommand("SELECT bank_reference, decline::text, reason FROM bank_movements"))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
            }
        }
        var declines = Enumerable.Range(0, reasons.Length).Select(i => BankMessage.FromJson(rows[$"R{i}"].Decline!)).ToList();
        Assert.Equal(["Decline.Wallet", "Decline.Invoice", BankMessage.AsWritten], declines.Select(d => d.Code));
        Assert.Equal(reasons, declines.Select(BankFrench.Text));
        Assert.All(Enumerable.Range(0, reasons.Length), i => Assert.Null(rows[$"R{i}"].Reason));
        Assert.Equal((null, "Frais bancaires"), rows["MANAGER"]);
    }

    /// <summary>A database as the version before the codes left it: every migration up to this one.</summary>
    static async Task<NpgsqlDataSource> BeforeTheMigrationAsync()
    {
        var db = NpgsqlDataSource.Create(await (await TestPostgres.GetAsync()).CreateDatabaseAsync());
        foreach (var (id, sql) in Migrations.Embedded.Where(m => string.CompareOrdinal(m.Id, Migration) < 0))
        {
            await ExecuteAsync(db, sql);
        }
        return db;
    }

    static Task MigrateAsync(NpgsqlDataSource db) => ExecuteAsync(db, Migrations.Embedded.Single(m => m.Id == Migration).Sql);

    static async Task<Guid> SchoolAsync(NpgsqlDataSource db)
    {
        var school = Guid.NewGuid();
        await ExecuteAsync(db, "INSERT INTO schools (id, slug, name) VALUES (@id, 'ancienne', 'École d''avant')", ("id", school));
        return school;
    }

    static Task InsertMovementAsync(NpgsqlDataSource db, Guid school, Guid import, string reference, string status, string reason) =>
        ExecuteAsync(db, """
            INSERT INTO bank_movements (school_id, bank_reference, import_id, account, year, statement_number, amount_cents, value_date, status, reason)
            VALUES (@school, @reference, @import, 'BE71096123456769', 2026, 1, 1200, '2026-09-01', @status, @reason)
            """, ("school", school), ("reference", reference), ("import", import), ("status", status), ("reason", reason));

    static async Task ExecuteAsync(NpgsqlDataSource db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }
}