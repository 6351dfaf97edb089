using System.Net;
using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Npgsql;

namespace ItSchool.Tests.Invoices;

/// <summary>The charges list filled by hand, one line at a time (its own database: the list is compared whole).</summary>
public sealed class ChargeFormTests(WebNode web) : IClassFixture<WebNode>
{
    const string Page = "/e/demo/gestion/factures/frais";

    [Fact]
    public async Task A_charge_typed_by_the_manager_joins_the_unbilled_list_and_bad_or_forged_input_adds_nothing()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var before = (await new Charges(db).UnbilledAsync(DemoSchool.Id)).Count;

        var forged = await Forms.PostAsync(manager, Page, Page + "/ajouter",
            ("Pupil", Guid.NewGuid().ToString()), ("ChargedOn", "2026-10-05"), ("Label", "Garderie"), ("Quantity", "1"), ("UnitPrice", "2,50"));
        var badPrice = await Forms.PostAsync(manager, Page, Page + "/ajouter",
            ("Pupil", chloe.ToString()), ("ChargedOn", "2026-10-05"), ("Label", "Garderie"), ("Quantity", "1"), ("UnitPrice", "2,505"));
        var badDate = await Forms.PostAsync(manager, Page, Page + "/ajouter",
            ("Pupil", chloe.ToString()), ("ChargedOn", "2026-02-31"), ("Label", "Garderie"), ("Quantity", "1"), ("UnitPrice", "2,50"));

        Assert.Contains("Choisissez un élève de l&#x27;école dans la liste.", await forged.Content.ReadAsStringAsync());
        Assert.Contains("n&#x27;est pas valable", await badPrice.Content.ReadAsStringAsync());
        Assert.Contains("La date n&#x27;est pas valable", await badDate.Content.ReadAsStringAsync());
        Assert.Equal(before, (await new Charges(db).UnbilledAsync(DemoSchool.Id)).Count);

        var added = await Forms.PostAsync(manager, Page, Page + "/ajouter",
            ("Pupil", chloe.ToString()), ("ChargedOn", "2026-10-05"), ("Label", "Garderie du matin"), ("Quantity", "4"), ("UnitPrice", "1,25"));

        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var charge = Assert.Single(await new Charges(db).UnbilledAsync(DemoSchool.Id), c => c.Label == "Garderie du matin");
        Assert.Equal((chloe, new DateOnly(2026, 10, 5), 4, 125L), (charge.PupilId, charge.ChargedOn, charge.Quantity, charge.UnitCents));
        Assert.Contains("Frais ajouté à la liste.", await manager.GetStringAsync(Page + "?ok=frais-ajoute"));
    }
}