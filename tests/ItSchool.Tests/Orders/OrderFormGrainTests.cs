using ItSchool.Orders;
using ItSchool.Wallets;

namespace ItSchool.Tests.Orders;

/// <summary>
/// The form's grain decides every order: its dates, its classes, its articles at their prices, the stock and the limit
/// per pupil, the payment, and the cancellation that gives the money back — each once, whatever arrives twice or at once.
/// </summary>
public sealed class OrderFormGrainTests(OrderCluster orders) : IClassFixture<OrderCluster>
{
    [Fact]
    public async Task Two_hundred_families_racing_for_the_last_fifty_T_shirts_M_buy_fifty_and_pay_fifty()
    {
        var school = await orders.NewSchoolAsync();
        var form = await orders.ShopAsync(school, mediumStock: 50);
        var pupils = new List<Guid>();
        for (var i = 0; i < 200; i++)
        {
            pupils.Add(await orders.NewPupilAsync(school, 5_000));
        }

        var answers = await Task.WhenAll(pupils.Select(p => orders.Form(form).PlaceAsync(OrderCluster.Order(school, p, 1200, ("TSHIRT", "M", 1)))));

        Assert.Equal(50, answers.Count(a => a.Placed));
        Assert.All(answers.Where(a => !a.Placed), a => Assert.Equal(new OrderResult(null, OrderRefusal.OutOfStock, "TSHIRT", "M", 0), a));
        Assert.Contains(new StockLeft("TSHIRT", "M", 0), await orders.Form(form).GetStockAsync());
        Assert.Equal(50, await orders.CountAsync("SELECT count(*) FROM ledger_entries WHERE school_id = @s AND kind = 'order'", ("s", school)));
        Assert.Equal(50 * 3_800 + 150 * 5_000, (await Task.WhenAll(pupils.Select(orders.WalletAsync))).Sum());
        await orders.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task The_same_order_sent_five_times_at_once_and_again_later_is_placed_and_paid_once()
    {
        var school = await orders.NewSchoolAsync();
        var form = await orders.ShopAsync(school);
        var pupil = await orders.NewPupilAsync(school, 10_000);
        var request = OrderCluster.Order(school, pupil, 3_200, ("TSHIRT", "S", 2), ("GOURDE", "", 1));

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => orders.Form(form).PlaceAsync(request)));
        var later = await orders.Form(form).PlaceAsync(request);

        Assert.All(answers, a => Assert.Equal(answers[0], a));
        Assert.True(answers[0].Placed);
        Assert.Equal(answers[0].Order, later.Order);
        Assert.Equal(6_800, answers[0].BalanceCents);
        Assert.Equal(6_800, await orders.WalletAsync(pupil));
        Assert.Equal(1, await orders.CountAsync("SELECT count(*) FROM orders WHERE school_id = @s", ("s", school)));
        Assert.Equal(OrderRefusal.InvalidRequest, (await orders.Form(form).PlaceAsync(request with { Lines = [new("TSHIRT", "S", 3)], ExpectedTotalCents = 3_600 })).Refusal);
        await orders.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task An_order_outside_the_dates_for_another_school_or_class_or_at_another_price_is_refused_and_changes_nothing()
    {
        var school = await orders.NewSchoolAsync();
        var other = await orders.NewSchoolAsync();
        var open = await orders.ShopAsync(school, classes: ["3A"]);
        var closed = await orders.ShopAsync(school, opensInDays: -20, closesInDays: -1);
        var later = await orders.ShopAsync(school, opensInDays: 1, closesInDays: 9);
        var pupil = await orders.NewPupilAsync(school, 10_000);
        var otherClass = await orders.NewPupilAsync(school, 10_000, className: "5B");
        var otherFamily = await orders.NewPupilAsync(other, 10_000);

        async Task<OrderRefusal?> Refusal(Guid form, PlaceOrder request) => (await orders.Form(form).PlaceAsync(request)).Refusal;

        Assert.Equal(OrderRefusal.Closed, await Refusal(closed, OrderCluster.Order(school, pupil, 1200, ("TSHIRT", "M", 1))));
        Assert.Equal(OrderRefusal.NotOpenYet, await Refusal(later, OrderCluster.Order(school, pupil, 1200, ("TSHIRT", "M", 1))));
        Assert.Equal(OrderRefusal.UnknownForm, await Refusal(open, OrderCluster.Order(other, otherFamily, 1200, ("TSHIRT", "M", 1))));
        Assert.Equal(OrderRefusal.UnknownForm, await Refusal(Guid.NewGuid(), OrderCluster.Order(school, pupil, 1200, ("TSHIRT", "M", 1))));
        Assert.Equal(OrderRefusal.NotForPupil, await Refusal(open, OrderCluster.Order(school, otherFamily, 1200, ("TSHIRT", "M", 1))));
        Assert.Equal(OrderRefusal.NotForPupil, await Refusal(open, OrderCluster.Order(school, otherClass, 1200, ("TSHIRT", "M", 1))));
        Assert.Equal(OrderRefusal.PriceChanged, await Refusal(open, OrderCluster.Order(school, pupil, 1, ("TSHIRT", "M", 1))));
        Assert.Equal(OrderRefusal.UnknownArticle, await Refusal(open, OrderCluster.Order(school, pupil, 1200, ("PULL", "M", 1))));
        Assert.Equal(OrderRefusal.UnknownOption, await Refusal(open, OrderCluster.Order(school, pupil, 1200, ("TSHIRT", "XXL", 1))));
        Assert.Equal(OrderRefusal.Empty, await Refusal(open, OrderCluster.Order(school, pupil, 0, ("TSHIRT", "M", 0))));
        Assert.Equal(OrderRefusal.InvalidRequest, await Refusal(open, OrderCluster.Order(school, pupil, -1200, ("TSHIRT", "M", -1))));
        Assert.Equal(OrderRefusal.InvalidRequest, await Refusal(open, OrderCluster.Order("", school, pupil, 1200, ("TSHIRT", "M", 1))));

        Assert.Equal(0, await orders.CountAsync("SELECT count(*) FROM orders WHERE school_id = ANY(@s)", ("s", new[] { school, other })));
        Assert.Equal(10_000, await orders.WalletAsync(pupil));
        Assert.Contains(new StockLeft("TSHIRT", "M", 10), await orders.Form(open).GetStockAsync());
    }

    [Fact]
    public async Task A_pupil_enrolled_after_the_form_was_opened_orders_at_once_and_one_of_another_class_still_may_not()
    {
        var school = await orders.NewSchoolAsync();
        var form = await orders.ShopAsync(school, classes: ["3A"]);
        await orders.Form(form).GetStockAsync();
        var newcomer = await orders.NewPupilAsync(school, 5_000);
        var otherClass = await orders.NewPupilAsync(school, 5_000, className: "5B");

        Assert.True((await orders.Form(form).PlaceAsync(OrderCluster.Order(school, newcomer, 1200, ("TSHIRT", "M", 1)))).Placed);
        Assert.Equal(OrderRefusal.NotForPupil, (await orders.Form(form).PlaceAsync(OrderCluster.Order(school, otherClass, 1200, ("TSHIRT", "M", 1)))).Refusal);
        Assert.Equal(3_800, await orders.WalletAsync(newcomer));
        Assert.Equal(5_000, await orders.WalletAsync(otherClass));
    }

    [Fact]
    public async Task An_order_arriving_while_the_school_saves_a_lower_stock_waits_for_the_save_and_meets_the_new_stock()
    {
        var school = await orders.NewSchoolAsync();
        var form = await orders.ShopAsync(school, mediumStock: 3);
        var first = await orders.NewPupilAsync(school, 5_000);
        var second = await orders.NewPupilAsync(school, 5_000);
        Assert.True((await orders.Form(form).PlaceAsync(OrderCluster.Order(school, first, 1200, ("TSHIRT", "M", 1)))).Placed);

        var save = Guid.NewGuid();
        Assert.Contains(new OptionHeld("TSHIRT", "M", 1), await orders.Form(form).BeginChangeAsync(save));
        var waiting = orders.Form(form).PlaceAsync(OrderCluster.Order(school, second, 1200, ("TSHIRT", "M", 1)));
        // The school's save writes M down to the one sold, then says it ended.
        await orders.ExecuteAsync("UPDATE order_article_options SET stock = 1 WHERE form_id = @f AND article_code = 'TSHIRT' AND option = 'M'", ("f", form));
        await orders.Form(form).EndChangeAsync(save);

        Assert.Equal(new OrderResult(null, OrderRefusal.OutOfStock, "TSHIRT", "M", 0), await waiting);
        Assert.Equal(5_000, await orders.WalletAsync(second));
        Assert.Contains(new StockLeft("TSHIRT", "M", 0), await orders.Form(form).GetStockAsync());
        await orders.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task A_pupil_may_not_go_over_the_limit_and_a_declined_payment_gives_its_stock_back()
    {
        var school = await orders.NewSchoolAsync();
        var form = await orders.ShopAsync(school, mediumStock: 2, gourdLimit: 2);
        var pupil = await orders.NewPupilAsync(school, 3_000);
        var poor = await orders.NewPupilAsync(school, 500);

        Assert.True((await orders.Form(form).PlaceAsync(OrderCluster.Order(school, pupil, 1_600, ("GOURDE", "", 2)))).Placed);
        var over = await orders.Form(form).PlaceAsync(OrderCluster.Order(school, pupil, 800, ("GOURDE", "", 1)));
        var declined = await orders.Form(form).PlaceAsync(OrderCluster.Order(school, poor, 2_400, ("TSHIRT", "M", 2)));

        Assert.Equal(new OrderResult(null, OrderRefusal.OverLimit, "GOURDE", Left: 0), over);
        Assert.Equal(OrderRefusal.InsufficientFunds, declined.Refusal);
        Assert.Equal(500, declined.AvailableCents);
        Assert.Contains(new StockLeft("TSHIRT", "M", 2), await orders.Form(form).GetStockAsync());
        Assert.Equal(500, await orders.WalletAsync(poor));
        Assert.Equal(1_400, await orders.WalletAsync(pupil));
        await orders.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task A_free_article_is_ordered_without_payment()
    {
        var school = await orders.NewSchoolAsync();
        var form = await orders.ShopAsync(school, payment: OrderPayment.Invoice);
        var pupil = await orders.NewPupilAsync(school);

        var answer = await orders.Form(form).PlaceAsync(OrderCluster.Order(school, pupil, 0, ("BIC", "", 1)));

        Assert.True(answer.Placed);
        Assert.Null(answer.Order!.InvoiceId);
        Assert.Equal(0, await orders.CountAsync("SELECT count(*) FROM invoices WHERE school_id = @s", ("s", school)));
        await orders.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task An_order_paid_by_invoice_has_its_own_invoice_and_cancelling_it_credits_the_invoice_and_frees_the_stock()
    {
        var school = await orders.NewSchoolAsync();
        var form = await orders.ShopAsync(school, payment: OrderPayment.Invoice, mediumStock: 1);
        var pupil = await orders.NewPupilAsync(school);

        var placed = await orders.Form(form).PlaceAsync(OrderCluster.Order(school, pupil, 2_000, ("TSHIRT", "M", 1), ("GOURDE", "", 1), ("BIC", "", 1)));

        var invoice = await orders.Invoice(placed.Order!.InvoiceId!.Value).GetAsync();
        Assert.NotNull(invoice);
        Assert.Equal(2_000, invoice.TotalCents);
        Assert.Equal(["T-shirt de l'école (M)", "Gourde"], invoice.Lines.Select(l => l.Label));
        Assert.Equal(invoice.IssuedOn.AddDays(14), invoice.DueOn);
        Assert.Contains(new StockLeft("TSHIRT", "M", 0), await orders.Form(form).GetStockAsync());

        var cancel = new CancelOrder(school, placed.Order.Id, pupil, OrderCluster.Parent);
        var cancelled = await Task.WhenAll(orders.Form(form).CancelAsync(cancel), orders.Form(form).CancelAsync(cancel));

        Assert.All(cancelled, c => Assert.True(c.Settled));
        Assert.All(cancelled, c => Assert.Equal(OrderStatus.Cancelled, c.Order!.Status));
        Assert.Equal(0, (await orders.Invoice(invoice.Id).GetAsync())!.RemainingCents);
        Assert.Contains(new StockLeft("TSHIRT", "M", 1), await orders.Form(form).GetStockAsync());
        await orders.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task A_wallet_order_cancelled_while_open_is_refunded_once_and_a_delivered_or_closed_one_is_not_cancelled()
    {
        var school = await orders.NewSchoolAsync();
        var form = await orders.ShopAsync(school);
        var closed = await orders.ShopAsync(school, opensInDays: -5, closesInDays: 0);
        var pupil = await orders.NewPupilAsync(school, 10_000);
        var first = (await orders.Form(form).PlaceAsync(OrderCluster.Order(school, pupil, 1_200, ("TSHIRT", "L", 1)))).Order!;
        var second = (await orders.Form(form).PlaceAsync(OrderCluster.Order(school, pupil, 800, ("GOURDE", "", 1)))).Order!;

        var refunds = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => orders.Form(form).CancelAsync(new(school, first.Id, pupil, OrderCluster.Parent))));
        Assert.Equal(1, await orders.Form(form).MarkDeliveredAsync([second.Id, first.Id], OrderCluster.Manager));
        var delivered = await orders.Form(form).CancelAsync(new(school, second.Id, pupil, OrderCluster.Manager, BySchool: true));
        var forged = await orders.Form(form).CancelAsync(new(Guid.NewGuid(), second.Id, pupil, OrderCluster.Parent));

        Assert.All(refunds, r => Assert.True(r.Settled));
        Assert.Equal(10_000 - 800, await orders.WalletAsync(pupil));
        Assert.Equal(OrderCancelRefusal.Delivered, delivered.Refusal);
        Assert.Equal(OrderCancelRefusal.UnknownOrder, forged.Refusal);

        // On its last day the form is still open to families; the day after, only the school may cancel.
        var lastDay = (await orders.Form(closed).PlaceAsync(OrderCluster.Order(school, pupil, 800, ("GOURDE", "", 1)))).Order!;
        await orders.ExecuteAsync("UPDATE order_forms SET closes_on = closes_on - 1, version = version + 1 WHERE id = @f", ("f", closed));
        await orders.Form(closed).FormChangedAsync();
        Assert.Equal(OrderCancelRefusal.Closed, (await orders.Form(closed).CancelAsync(new(school, lastDay.Id, pupil, OrderCluster.Parent))).Refusal);
        Assert.True((await orders.Form(closed).CancelAsync(new(school, lastDay.Id, pupil, OrderCluster.Manager, BySchool: true))).Settled);
        Assert.Equal(10_000 - 800, await orders.WalletAsync(pupil));
        await orders.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task A_stock_the_school_raises_is_sold_at_once()
    {
        var school = await orders.NewSchoolAsync();
        var form = await orders.ShopAsync(school, mediumStock: 0);
        var pupil = await orders.NewPupilAsync(school, 5_000);
        Assert.Equal(OrderRefusal.OutOfStock, (await orders.Form(form).PlaceAsync(OrderCluster.Order(school, pupil, 1_200, ("TSHIRT", "M", 1)))).Refusal);

        await orders.ExecuteAsync("UPDATE order_article_options SET stock = 5 WHERE form_id = @f AND option = 'M'", ("f", form));
        await orders.Form(form).FormChangedAsync();

        Assert.True((await orders.Form(form).PlaceAsync(OrderCluster.Order(school, pupil, 1_200, ("TSHIRT", "M", 1)))).Placed);
        Assert.Contains(new StockLeft("TSHIRT", "M", 4), await orders.Form(form).GetStockAsync());
    }

    [Fact]
    public async Task What_a_crash_interrupted_is_finished_when_the_form_wakes_up()
    {
        var school = await orders.NewSchoolAsync();
        var invoiced = await orders.ShopAsync(school, payment: OrderPayment.Invoice);
        var wallet = await orders.ShopAsync(school);
        var pupil = await orders.NewPupilAsync(school, 5_000);
        // An invoice order written before its invoice, and a wallet order cancelled before its refund: as a crash leaves them.
        var unissued = Guid.CreateVersion7();
        await orders.Store.InsertAsync(new OrderView(unissued, invoiced, school, pupil, "crash-1", [new("GOURDE", "", "Gourde", 1, 800)], 800,
            OrderPayment.Invoice, null, unissued, OrderStatus.Placed, OrderCluster.Parent, DateTimeOffset.UtcNow, null, null));
        var paid = Guid.CreateVersion7();
        var order = new OrderView(paid, wallet, school, pupil, "crash-2", [new("GOURDE", "", "Gourde", 1, 800)], 800, OrderPayment.Wallet, 1, null,
            OrderStatus.Placed, OrderCluster.Parent, DateTimeOffset.UtcNow, null, null);
        Assert.True((await orders.Purse(pupil).DebitAsync(new Debit(order.DebitKey, 1, 800, MovementKind.Order, PaymentMethod.Wallet,
            LedgerSubject.OrderPurchase("Boutique"), OrderCluster.Parent, new OrderWritten(order)))).Accepted);
        await orders.Store.MarkCancelledAsync(paid, "Amélie Lefèvre", DateTimeOffset.UtcNow);

        await orders.Form(invoiced).GetStockAsync();
        await orders.Form(wallet).GetStockAsync();

        Assert.Equal(800, (await orders.Invoice(unissued).GetAsync())?.TotalCents);
        Assert.Equal(5_000, await orders.WalletAsync(pupil));
        await orders.AssertConsistentAsync(school);
    }
}