using System.Text;
using ItSchool.BankStatements;
using ItSchool.Wallets;

namespace ItSchool.Tests.BankStatements;

/// <summary>
/// CODA files in the layouts of the main Belgian banks (<c>Files/kbc.cod</c>, …): information records numbered
/// 0000 or 0001, globalised batches with or without their details, a 3.1/3.2/3.3 chain, an unknown value date,
/// a statement without movements. Each reads to the movements a school's manager expects, and every statement's
/// movements add up to its balances, so the import credits each payment once.
/// </summary>
public sealed class BankLayoutTests
{
    static (StatementOpened Opened, List<BankMovement> Movements, StatementClosed Closed)[] Read(string file)
    {
        var (format, parts) = StatementFiles.Parse(StatementFiles.Bytes(file));
        Assert.Equal(StatementFormat.Coda, format);
        var statements = new List<(StatementOpened, List<BankMovement>, StatementClosed)>();
        foreach (var part in parts)
        {
            switch (part)
            {
                case StatementOpened opened:
                    statements.Add((opened, [], null!));
                    break;
                case BankMovement movement:
                    statements[^1].Item2.Add(movement);
                    break;
                case StatementClosed closed:
                    statements[^1] = statements[^1] with { Item3 = closed };
                    break;
            }
        }
        foreach (var (opened, movements, closed) in statements)
        {
            Assert.Equal(closed.ClosingCents - opened.OpeningCents, movements.Sum(m => m.AmountCents));
        }
        return [.. statements];
    }

    static StructuredCommunication Ogm(long number) => StructuredCommunication.From(number);

    static List<string> Lines(string file) => [.. Encoding.Latin1.GetString(StatementFiles.Bytes(file)).Split("\r\n")];

    static string With(string line, int start, string value) => line[..start] + value + line[(start + value.Length)..];

    static List<BankMovement> Movements(List<string> lines) =>
        StatementFiles.Parse(Encoding.Latin1.GetBytes(string.Join("\r\n", lines))).Parts.OfType<BankMovement>().ToList();

    [Fact]
    public void KBC_information_records_numbered_0001_belong_to_their_movement_and_a_globalised_batch_gives_its_transfers()
    {
        var (opened, movements, closed) = Read("kbc.cod").Single();
        Assert.Equal(("BE09734123456757", "EUR", 87, 1_234_567L, new DateOnly(2026, 10, 14)),
            (opened.Account, opened.Currency, opened.Number, opened.OpeningCents, opened.OpeningDate));
        Assert.Equal((1_251_827L, new DateOnly(2026, 10, 15)), (closed.ClosingCents, closed.ClosingDate));

        Assert.Equal(["KB2610150000000001", "KB2610150000000002/0001", "KB2610150000000002/0002", "KB2610150000000002/0003",
            "KB2610150000000003", "KB2610150000000004", "KB2610150000000005"], movements.Select(m => m.Reference));
        Assert.Equal([2_500L, 4_000, 5_000, 3_000, -4_530, -1_210, 8_500], movements.Select(m => m.AmountCents));
        Assert.Equal([Ogm(1_000_000_017), Ogm(1_000_000_033), Ogm(1_000_000_050), Ogm(2_000_000_412), null, null, Ogm(2_000_000_428)],
            movements.Select(m => m.Structured));
        Assert.Equal(["DUPONT MARIE", "MARTIN LUC", "LEFÈVRE SOPHIE", "JANSSENS PIETER", "PAPETERIE DURAND SRL", null, "PEETERS ANNE"],
            movements.Select(m => m.CounterpartyName));
        Assert.Equal("BE15001765432130", movements[0].CounterpartyAccount);
        Assert.Equal("Facture 2026-118 fournitures scolaires, cahiers et classeurs pour les 3e primaires", movements[4].Communication);
        Assert.Equal("Frais de gestion du compte, octobre 2026", movements[5].Communication);
        Assert.All(movements, m => Assert.Equal(new DateOnly(2026, 10, 15), m.ValueDate));
    }

    [Fact]
    public void BNP_Paribas_Fortis_a_debit_opening_balance_and_a_globalised_total_without_details_is_one_movement()
    {
        var (opened, movements, closed) = Read("bnp-paribas-fortis.cod").Single();
        Assert.Equal(("BE21001234567803", 203, -15_000L, 7_551L), (opened.Account, opened.Number, opened.OpeningCents, closed.ClosingCents));

        Assert.Equal(["B6K20KZ0R1AXCE1T0001", "B6K20KZ0R1AXCE1T0002", "B6K20KZ0R1AXCE1T0003", "B6K20KZ0R1AXCE1T0004"],
            movements.Select(m => m.Reference));
        Assert.Equal([6_000L, 24_000, -8_999, 1_550], movements.Select(m => m.AmountCents));
        Assert.Equal((Ogm(1_000_000_066), "VAN DAMME KOEN"), (movements[0].Structured, movements[0].CounterpartyName));
        Assert.Equal("PAYCONIQ BY BANCONTACT 12 TRANSACTIONS 19/10/2026", movements[1].Communication);
        Assert.Null(movements[1].Structured);
        Assert.Equal(("DOMICILIATION ENGIE CLIENT 5012345678 FACTURE 10/2026", "ENGIE ELECTRABEL"),
            (movements[2].Communication, movements[2].CounterpartyName));
        Assert.Equal(("Excursion Pairi Daiza Élodie 2B", "GODFROID JULIE"), (movements[3].Communication, movements[3].CounterpartyName));
    }

    [Fact]
    public void Belfius_a_batch_of_structured_transfers_with_their_information_records_gives_each_payer_and_an_unknown_value_date_is_the_entry_date()
    {
        var (opened, movements, closed) = Read("belfius.cod").Single();
        Assert.Equal(("BE48068345678927", 45, 321_000L, 309_450L), (opened.Account, opened.Number, opened.OpeningCents, closed.ClosingCents));

        Assert.Equal(["3010383003291000044", "3010383003291000045/0001", "3010383003291000045/0003", "3010383003291000045/0005",
            "3010383003291000046"], movements.Select(m => m.Reference));
        Assert.Equal([1_250L, 7_200, 5_000, 5_000, -30_000], movements.Select(m => m.AmountCents));
        Assert.Equal([Ogm(1_000_000_082), Ogm(1_000_000_099), Ogm(1_000_000_102), Ogm(2_000_000_444), null], movements.Select(m => m.Structured));
        Assert.Equal("MARTINS-STILMAN PATRICE + MARTINE", movements[3].CounterpartyName);
        Assert.Equal("BE55063121212144", movements[1].CounterpartyAccount);
        Assert.Equal(("Ristourne classe de neige famille Peeters", new DateOnly(2026, 11, 6)), (movements[4].Communication, movements[4].ValueDate));
    }

    [Fact]
    public void ING_information_records_numbered_0000_with_a_3_3_and_a_statement_without_movements_follow_each_other()
    {
        var statements = Read("ing.cod");
        Assert.Equal([12, 13], statements.Select(s => s.Opened.Number));
        Assert.Equal([800_000L, 780_500], statements.Select(s => s.Opened.OpeningCents));
        Assert.Equal([780_500L, 780_500], statements.Select(s => s.Closed.ClosingCents));
        Assert.Empty(statements[1].Movements);

        var movements = statements[0].Movements;
        Assert.Equal([3_500L, 2_000, -25_000], movements.Select(m => m.AmountCents));
        Assert.Equal((Ogm(1_000_000_119), "DE SMET BÉNÉDICTE"), (movements[0].Structured, movements[0].CounterpartyName));
        Assert.Equal((Ogm(1_000_000_125), new DateOnly(2026, 12, 3)), (movements[1].Structured, movements[1].ValueDate));
        Assert.Equal(("Achat materiel informatique commande 4471", "INFORMATIQUE PLUS SPRL"), (movements[2].Communication, movements[2].CounterpartyName));
    }

    [Fact]
    public void A_globalised_movement_whose_details_do_not_add_up_to_it_is_imported_whole_once()
    {
        var lines = Lines("kbc.cod");
        var second = lines.FindIndex(l => l.StartsWith("2100020002"));
        lines[second] = With(lines[second], 32, "000000000049000");

        var batch = Assert.Single(Movements(lines), m => m.Reference.StartsWith("KB2610150000000002"));
        Assert.Equal(("KB2610150000000002", 12_000L, "GLOBALISATION 3 VIREMENTS"), (batch.Reference, batch.AmountCents, batch.Communication));
    }

    [Fact]
    public void A_sub_total_inside_a_globalised_movement_gives_way_to_its_own_details()
    {
        var lines = Lines("kbc.cod");
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Length == CodaReader.RecordLength && lines[i][..6] is "210002" or "230002" && lines[i][6..10] != "0000")
            {
                lines[i] = With(lines[i], 6, $"{int.Parse(lines[i][6..10]) + 1:D4}");
            }
        }
        // Transaction type 7: a detail of the globalisation that is itself the total of the details after it.
        var global = lines.FindIndex(l => l.StartsWith("2100020000"));
        lines.Insert(global + 1, With(With(With(lines[global], 6, "0001"), 32, "000000000090000"), 53, "7"));
        var trailer = lines.FindIndex(l => l.StartsWith('9'));
        lines[trailer] = With(lines[trailer], 16, "000024");

        var batch = Movements(lines).Where(m => m.Reference.StartsWith("KB2610150000000002")).ToList();
        Assert.Equal(["KB2610150000000002/0002", "KB2610150000000002/0003", "KB2610150000000002/0004"], batch.Select(m => m.Reference));
        Assert.Equal([4_000L, 5_000, 3_000], batch.Select(m => m.AmountCents));
    }

    [Fact]
    public void The_writer_s_globalised_batch_reads_back_as_its_details()
    {
        using var file = new MemoryStream();
        var writer = new CodaWriter(file, "BE09734123456757");
        writer.Open(1, 10_000, new DateOnly(2026, 9, 1));
        writer.Movement("R1", -500, "Frais");
        writer.Batch("R2", [(1_500, Ogm(1_000_000_017).ToString(), "PARENT UN"), (2_000, "libre", null), (700, Ogm(1_000_000_033).Digits, "PARENT TROIS")]);
        writer.Close();

        var movements = StatementFiles.Parse(file.ToArray()).Parts.OfType<BankMovement>().ToList();
        Assert.Equal(["R1", "R2/0001", "R2/0003", "R2/0004"], movements.Select(m => m.Reference));
        Assert.Equal([-500L, 1_500, 2_000, 700], movements.Select(m => m.AmountCents));
        Assert.Equal([null, "PARENT UN", null, "PARENT TROIS"], movements.Select(m => m.CounterpartyName));
        Assert.Equal("libre", movements[2].Communication);
        Assert.Equal(13_700, StatementFiles.Parse(file.ToArray()).Parts.OfType<StatementClosed>().Single().ClosingCents);
    }
}