using System.Net;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Payments;

/// <summary>The sandbox's checkout page credits a wallet at a click: only its own parent, signed in, in demo mode, reaches it.</summary>
public sealed class SandboxAccessTests(PaymentNode web) : IClassFixture<PaymentNode>
{
    [Fact]
    public async Task Without_a_session_the_checkout_page_is_not_found_and_a_post_credits_nothing()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var checkout = await TopUpClient.StartAsync(marc, "200");
        var before = await web.BalanceAsync("Chloé");
        using var stranger = web.CreateClient();

        var page = await stranger.GetAsync(checkout.PathAndQuery);
        // The sign-in page hands an anonymous visitor a valid form token: the refusal must not rest on it.
        var answer = await Forms.PostAsync(stranger, "/e/demo/connexion", checkout.PathAndQuery, ("Outcome", "pay"), ("Method", "Bancontact"));

        Assert.NotEqual(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("paiement/retour", answer.Headers.Location?.ToString() ?? "");
        Assert.Equal(before, await web.BalanceAsync("Chloé"));
        Assert.Equal(ItSchool.Payments.OnlinePaymentStatus.Pending, (await web.PaymentAsync(TopUpClient.SandboxId(checkout))).Status);
    }

    [Fact]
    public async Task Another_parent_of_the_school_cannot_open_or_pay_someone_elses_checkout()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        using var amelie = await SignedIn.AsAsync(web, "amelie.lefevre");
        var checkout = await TopUpClient.StartAsync(marc, "50");
        var before = await web.BalanceAsync("Chloé");

        Assert.Equal(HttpStatusCode.NotFound, (await amelie.GetAsync(checkout.PathAndQuery)).StatusCode);
        var answer = await Forms.PostAsync(amelie, "/e/demo/mon-acces", checkout.PathAndQuery, ("Outcome", "pay"), ("Method", "Card"));

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Equal(before, await web.BalanceAsync("Chloé"));
        Assert.Equal(HttpStatusCode.OK, (await marc.GetAsync(checkout.PathAndQuery)).StatusCode);
    }
}