using System.Text;
using ItSchool.BankStatements;
using ItSchool.Wallets;

namespace ItSchool.Tests.BankStatements;

public sealed class StatementReaderTests
{
    [Theory]
    [InlineData("two-statements.cod", StatementFormat.Coda, "0000012000001", "0000013000003")]
    [InlineData("two-statements.xml", StatementFormat.Camt053, "CAMT-40-001", "CAMT-41-001")]
    public void Both_formats_give_the_same_facts_statement_by_statement(string file, StatementFormat expectedFormat, string firstReference,
        string lastReference)
    {
        var (format, parts) = StatementFiles.Parse(StatementFiles.Bytes(file));
        Assert.Equal(expectedFormat, format);

        var openings = parts.OfType<StatementOpened>().ToList();
        Assert.Equal(2, openings.Count);
        Assert.All(openings, o => Assert.Equal("BE71096123456769", o.Account));
        Assert.Equal(openings[0].Number + 1, openings[1].Number);
        Assert.Equal(100_000, openings[0].OpeningCents);
        Assert.Equal(102_175, parts.OfType<StatementClosed>().First().ClosingCents);
        Assert.Equal(102_175, openings[1].OpeningCents);

        var movements = parts.OfType<BankMovement>().ToList();
        Assert.Equal(firstReference, movements[0].Reference);
        Assert.Equal(lastReference, movements[^1].Reference);

        var structured = movements[0];
        Assert.Equal(2_500, structured.AmountCents);
        Assert.Equal(StructuredCommunication.From(1_000_000_001), structured.Structured);
        Assert.Equal(new DateOnly(2026, 9, 1), structured.ValueDate);
        Assert.Equal("BE68539007547034", structured.CounterpartyAccount);

        var free = movements[1];
        Assert.Null(free.Structured);
        Assert.Contains("Lef", free.Communication);
        Assert.Contains("septembre", free.Communication);
        Assert.Equal(1_250, free.AmountCents);

        var debit = movements[2];
        Assert.Equal(-1_575, debit.AmountCents);
        Assert.Equal("Frais de tenue de compte", debit.Communication);
    }

    [Fact]
    public void A_CODA_communication_on_several_records_is_one_text_and_Latin_1_names_read_right()
    {
        var movements = StatementFiles.Parse(StatementFiles.Bytes("two-statements.cod")).Parts.OfType<BankMovement>().ToList();
        Assert.Equal("Repas Benoît Lefèvre 6A et Lucas Lefèvre 4B, mois de septembre, merci", movements[1].Communication);
        Assert.Equal("PIERRE LEFÈVRE", movements[1].CounterpartyName);
        Assert.Equal(0, movements.Single(m => m.Reference == "0000013000002").AmountCents);
        Assert.Equal(6, movements.Count);
    }

    [Fact]
    public void A_camt_entry_that_is_not_booked_is_left_out_and_a_spelled_out_OGM_is_read()
    {
        var movements = StatementFiles.Parse(StatementFiles.Bytes("two-statements.xml")).Parts.OfType<BankMovement>().ToList();
        Assert.DoesNotContain(movements, m => m.Reference == "CAMT-40-004");
        Assert.Equal(StructuredCommunication.From(1_000_000_003), movements.Single(m => m.Reference == "CAMT-41-001").Structured);
        Assert.Equal("Repas Benoit Lefevre 6A septembre", movements.Single(m => m.Reference == "CAMT-40-002").Communication);
        Assert.Equal("Amélie Lefèvre", movements[0].CounterpartyName);
    }

    [Theory]
    [InlineData("wrong-length.cod", "ligne 4", "127 caractères au lieu de 128")]
    [InlineData("truncated.cod", "ligne 4", "fichier tronqué")]
    [InlineData("wrong-totals.cod", "ligne 11", "total des crédits annoncé 38,50 €, calculé 37,50 €")]
    [InlineData("bad-balance.cod", "ligne 10", "mais le nouveau solde est 1 021,74 €")]
    [InlineData("utf16.cod", "ligne 1", "UTF-16")]
    [InlineData("continuation-without-movement.cod", "ligne 3", "sans le mouvement (2.1)")]
    [InlineData("continuation-without-its-movement.cod", "ligne 15", "suite de mouvement (2.2) n° 0003/0000 sans le mouvement (2.1) qui la précède")]
    [InlineData("sequence-backwards.cod", "ligne 20", "mouvement n° 0002 après le n° 0003")]
    [InlineData("detail-backwards.cod", "ligne 13", "mouvement n° 0002 : détail n° 0001 après le n° 0002")]
    [InlineData("detail-without-movement.cod", "ligne 20", "mouvement n° 0004 : le détail n° 0001 arrive sans l'enregistrement principal")]
    [InlineData("information-without-movement.cod", "ligne 23", "information (3.1) du mouvement n° 0006 sans le mouvement (2.1) qui la précède")]
    [InlineData("information-continuation-alone.cod", "ligne 6", "suite d'information (3.2) n° 0001/0001 sans l'information (3.1) qui la précède")]
    [InlineData("globalised-counted-twice.cod", "ligne 26", "total des crédits annoncé 350,00 €, calculé 230,00 €")]
    [InlineData("wrong-totals.xml", "ligne 28, élément Stmt[1]/TxsSummry", "total des crédits annoncé 38,50 €, calculé 37,50 €")]
    [InlineData("bad-balance.xml", "ligne 8, élément Stmt[1]", "mais le solde de clôture est 1 021,74 €")]
    [InlineData("truncated.xml", "ligne 64", "XML illisible")]
    [InlineData("missing-reference.xml", "élément Stmt[1]/Ntry[1]", "référence de la banque (AcctSvcrRef) manquante")]
    [InlineData("latin1-declared-utf8.xml", "ligne 44", "XML illisible")]
    public void A_broken_file_is_rejected_naming_the_line_or_element_and_the_reason(string file, string where, string reason)
    {
        var error = Assert.Throws<StatementFormatException>(() => StatementFile.Check(() => new MemoryStream(StatementFiles.Bytes(file))));
        Assert.Contains(where, error.WhereText());
        Assert.Contains(reason, error.ReasonText().Replace('\u202f', ' ').Replace('\u00a0', ' '));
    }

    [Fact]
    public void A_structured_communication_with_a_wrong_check_is_refused_in_CODA()
    {
        var lines = Encoding.Latin1.GetString(StatementFiles.Bytes("two-statements.cod")).Split("\r\n");
        lines[2] = lines[2][..65] + "100000000199" + lines[2][77..];
        var error = Assert.Throws<StatementFormatException>(() =>
            StatementFile.Check(() => new MemoryStream(Encoding.Latin1.GetBytes(string.Join("\r\n", lines)))));
        Assert.Equal("ligne 3", error.WhereText());
        Assert.Contains("modulo 97", error.ReasonText());
    }

    [Fact]
    public void Every_statement_gets_a_digest_of_its_content_that_a_changed_movement_changes()
    {
        var bytes = StatementFiles.Bytes("two-statements.xml");
        var (_, statements) = StatementFile.Check(() => new MemoryStream(bytes));
        Assert.Equal([40, 41], statements.Select(s => s.Number));
        Assert.Equal([3, 1], statements.Select(s => s.Movements));
        var changed = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("Repas Benoit", "Repas Benoît"));
        var (_, again) = StatementFile.Check(() => new MemoryStream(changed));
        Assert.NotEqual(statements[0].Digest, again[0].Digest);
        Assert.Equal(statements[1].Digest, again[1].Digest);
    }

    [Fact]
    public void Something_that_is_neither_CODA_nor_camt_is_refused()
    {
        var error = Assert.Throws<StatementFormatException>(() => StatementFile.Check(() => new MemoryStream("date;montant\n"u8.ToArray())));
        Assert.Contains("format inconnu", error.ReasonText());
        Assert.Throws<StatementFormatException>(() => StatementFile.Check(() => new MemoryStream([])));
    }
}