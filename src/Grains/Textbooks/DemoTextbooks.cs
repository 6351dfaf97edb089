using ItSchool.Schools;
using Npgsql;

namespace ItSchool.Textbooks;

/// <summary>
/// The demo school's textbooks (demo mode only, right after its seed): the 6A list of the running school year, open since
/// a few days and for three weeks more, paid by invoice: grammar and maths workbooks, an atlas rented with a deposit, an
/// optional dictionary and calculator.
/// </summary>
public static class DemoTextbooks
{
    public const string ClassName = "6A";

    public static async Task SeedAsync(TextbookStore store, NpgsqlDataSource db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var pupils = db.CreateCommand("SELECT count(*)::int FROM pupils WHERE school_id = @school AND class_name = @class"))
        {
            pupils.Parameters.AddWithValue("school", DemoSchool.Id);
            pupils.Parameters.AddWithValue("class", ClassName);
            if ((int)(await pupils.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                return;
            }
        }
        var today = SchoolTime.Day(now);
        var year = today.Month >= 8 ? today.Year : today.Year - 1;
        var yearEnds = new DateOnly(year + 1, 6, 30);
        var saved = await store.SaveAsync(new TextbookListDraft(Guid.CreateVersion7(now), DemoSchool.Id, ClassName, year, today.AddDays(-3), today.AddDays(21),
            TextbookPayment.Invoice, null, 30,
            [
                new(null, "Français 6e primaire – Grammaire et conjugaison", "Van In", "978-90-306-8431-2", 1850, false, 0, null, true),
                new(null, "Mathématiques 6e – Cahier d'exercices Dimensions", "De Boeck", "978-2-8041-7261-9", 1490, false, 0, null, true),
                new(null, "Atlas De Boeck – La Belgique et le monde", "De Boeck", "978-2-8041-6934-3", 500, true, 2000, yearEnds, true),
                new(null, "Éveil 6e – Histoire et géographie", "Erasme", "978-2-87438-155-3", 1200, false, 0, null, true),
                new(null, "Dictionnaire Le Robert Junior", "Le Robert", "978-2-321-01773-8", 2490, false, 0, null, false),
                new(null, "Calculatrice scientifique Casio fx-82", "Casio", "", 1995, false, 0, null, false),
            ]), isNew: true, [ClassName], new HashSet<int> { 1 }, "Claire Dupont", now, cancellationToken);
        if (!saved.Saved)
        {
            throw new InvalidOperationException($"The demo textbook list was refused: {string.Join(", ", saved.Problems)}");
        }
    }
}