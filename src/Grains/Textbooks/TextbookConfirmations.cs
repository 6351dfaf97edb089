using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Textbooks;

public enum TextbookRefusal
{
    UnknownList = 1,
    /// <summary>Not a pupil of the list's school and class.</summary>
    NotForPupil = 2,
    NotOpenYet = 3,
    Closed = 4,
    /// <summary>A choice names an item the list does not have (a forged or stale id); <see cref="TextbookConfirmResult.ItemId"/> says which.</summary>
    UnknownItem = 5,
    /// <summary>An item of the list got no choice.</summary>
    MissingChoice = 6,
    /// <summary>"Pas nécessaire" chosen for a compulsory item.</summary>
    CompulsoryNotNeeded = 7,
    InsufficientFunds = 8,
    PaymentDeclined = 9,
    /// <summary>The school changed the list's items while the family was choosing: the page shows them as they are now.</summary>
    ListChanged = 10,
}

/// <summary>A family's answer for one pupil: a choice for every item of the list, by the item's id.</summary>
public sealed record ConfirmTextbooks(Guid SchoolId, Guid ListId, Guid PupilId, IReadOnlyDictionary<Guid, TextbookChoice> Choices, Actor By);

/// <summary>Confirmed (<see cref="Already"/> when the pupil's answer existed before this click: nothing moved again) or refused.</summary>
public sealed record TextbookConfirmResult(
    TextbookConfirmation? Confirmation,
    TextbookRefusal? Refusal,
    bool Already = false,
    long? AvailableCents = null,
    Guid? ItemId = null)
{
    public static TextbookConfirmResult Refused(TextbookRefusal refusal, Guid? itemId = null) => new(null, refusal, ItemId: itemId);
}

/// <summary>
/// The words an invoice keeps (its label, its lines, a credit note's reason), in the school's language: an invoice is a
/// document the school issues once, not a page worded for each reader. {0} is the class and year, or an item's title.
/// </summary>
public sealed record TextbookInvoiceWords(string Label, string Rental, string Deposit, string DepositReturned);

/// <summary>
/// A family's answer and the money it moves, and the rental's deposit refunded when the school marks it returned. The
/// answer is written first (one per pupil and list, <see cref="TextbookStore.InsertAsync"/>), then paid under keys derived
/// from it: each item's wallet debit under its own key (and its deposit under another), or one invoice whose id is the
/// answer's. A second click, or a retry after a crash or a lost answer, finds the answer and asks for the same payment
/// again, which the purse and the invoice answer without moving anything twice.
/// </summary>
public sealed class TextbookConfirmations(TextbookStore store, NpgsqlDataSource db, IGrainFactory grains, TimeProvider clock)
{
    public async Task<TextbookConfirmResult> ConfirmAsync(ConfirmTextbooks request, TextbookInvoiceWords words, CancellationToken cancellationToken = default)
    {
        if (await store.FindAsync(request.SchoolId, request.ListId, cancellationToken) is not { } list)
        {
            return TextbookConfirmResult.Refused(TextbookRefusal.UnknownList);
        }
        if (await PupilClassAsync(request.SchoolId, request.PupilId, cancellationToken) != list.ClassName)
        {
            return TextbookConfirmResult.Refused(TextbookRefusal.NotForPupil);
        }
        if (await store.ConfirmationAsync(list.SchoolId, list.Id, request.PupilId, cancellationToken) is { } existing)
        {
            return await PayAsync(list, existing, words, already: true);
        }
        var now = clock.GetUtcNow();
        var today = SchoolTime.Day(now);
        if (today < list.OpensOn)
        {
            return TextbookConfirmResult.Refused(TextbookRefusal.NotOpenYet);
        }
        if (today > list.ClosesOn)
        {
            return TextbookConfirmResult.Refused(TextbookRefusal.Closed);
        }
        if (request.Choices.Keys.FirstOrDefault(id => list.Item(id) is null) is var unknown && unknown != Guid.Empty)
        {
            return TextbookConfirmResult.Refused(TextbookRefusal.UnknownItem, unknown);
        }
        if (list.Items.FirstOrDefault(i => !request.Choices.ContainsKey(i.Id)) is { } missing)
        {
            return TextbookConfirmResult.Refused(TextbookRefusal.MissingChoice, missing.Id);
        }
        if (list.Items.FirstOrDefault(i => i.Compulsory && request.Choices[i.Id] == TextbookChoice.NotNeeded) is { } compulsory)
        {
            return TextbookConfirmResult.Refused(TextbookRefusal.CompulsoryNotNeeded, compulsory.Id);
        }
        var chosen = list.Items.Select(i => new ChosenItem(i, request.Choices[i.Id], null, null)).ToList();
        var total = chosen.Where(c => c.Ordered).Sum(c => c.Item.ChargedCents);
        if (list.Payment == TextbookPayment.Wallet && total > 0
            && (await grains.GetGrain<IPurseGrain>(request.PupilId).GetCompartmentsAsync()).FirstOrDefault(c => c.Compartment == list.Compartment) is { } compartment
            && compartment.BalanceCents - compartment.FloorCents < total)
        {
            // Said before anything is written; a sale at the canteen meanwhile is still caught by the purse below. The other
            // click of a double click may have paid meanwhile: then this one is that answer, not a refusal.
            return await store.ConfirmationAsync(list.SchoolId, list.Id, request.PupilId, cancellationToken) is { } paid
                ? await PayAsync(list, paid, words, already: true)
                : new TextbookConfirmResult(null, TextbookRefusal.InsufficientFunds, AvailableCents: compartment.BalanceCents - compartment.FloorCents);
        }
        var id = Guid.CreateVersion7(now);
        var answer = new TextbookConfirmation(id, list.Id, list.SchoolId, request.PupilId, list.Payment,
            list.Payment == TextbookPayment.Wallet ? list.Compartment : null, list.Payment == TextbookPayment.Invoice && total > 0 ? id : null,
            total, request.By, Microseconds(now), chosen);
        var (confirmation, written) = await store.InsertAsync(answer, cancellationToken);
        return confirmation is null
            ? TextbookConfirmResult.Refused(TextbookRefusal.ListChanged)
            : await PayAsync(list, confirmation, words, already: !written);
    }

    /// <summary>
    /// Finishes the payment of an answer written but not (or not wholly) paid — the node stopped between the two, or lost
    /// the purse's or the invoice's answer — when the family next opens it. Asking again moves only what is missing. Null
    /// when the wallet can no longer pay it: the answer is then set aside, its debits given back, and the list open again.
    /// </summary>
    public async Task<TextbookConfirmation?> ResumeAsync(TextbookList list, TextbookConfirmation confirmation, Func<Task<TextbookInvoiceWords>> words)
    {
        if (confirmation.TotalCents == 0 || await store.PaidAsync(confirmation, Charges(confirmation).Select(c => c.Key).ToList()))
        {
            return confirmation;
        }
        return (await PayAsync(list, confirmation, await words(), already: true)).Confirmation;
    }

    /// <summary>The answer's payment, asked again as many times as it takes: each movement's key makes it happen once.</summary>
    async Task<TextbookConfirmResult> PayAsync(TextbookList list, TextbookConfirmation confirmation, TextbookInvoiceWords words, bool already)
    {
        if (confirmation.TotalCents == 0)
        {
            return new TextbookConfirmResult(confirmation, null, already);
        }
        if (confirmation.Payment == TextbookPayment.Invoice)
        {
            var issuedOn = SchoolTime.Day(confirmation.ConfirmedAt);
            var lines = confirmation.Ordered.SelectMany(c => Charges(c.Item, words))
                .Where(c => c.Cents > 0).Select(c => new InvoiceLine(c.Label, 1, c.Cents)).ToList();
            await grains.GetGrain<IInvoiceGrain>(confirmation.InvoiceId!.Value).IssueAsync(new NewInvoice(confirmation.SchoolId, confirmation.PupilId,
                string.Format(SchoolTime.Culture, words.Label, $"{list.ClassName} {list.Year}"), issuedOn, issuedOn.AddDays(list.DueDays), lines,
                confirmation.ConfirmedBy));
            return new TextbookConfirmResult(confirmation, null, already);
        }
        var purse = grains.GetGrain<IPurseGrain>(confirmation.PupilId);
        var debited = new List<(string Key, long Cents, string Title)>();
        foreach (var (key, cents, title, subject) in Charges(confirmation))
        {
            var result = await purse.DebitAsync(new Debit(key, confirmation.Compartment!.Value, cents, MovementKind.Order, PaymentMethod.Wallet, subject,
                confirmation.ConfirmedBy));
            if (!result.Accepted)
            {
                await UndoAsync(purse, confirmation, debited);
                return new TextbookConfirmResult(null, result.Reason == DeclineReason.InsufficientFunds
                    ? TextbookRefusal.InsufficientFunds : TextbookRefusal.PaymentDeclined, AvailableCents: result.AvailableCents);
            }
            debited.Add((key, cents, title));
        }
        return new TextbookConfirmResult(confirmation, null, already);
    }

    /// <summary>A wallet answer's debits: each ordered item's price, and a rental's deposit, under keys of their own.</summary>
    static IEnumerable<(string Key, long Cents, string Title, LedgerSubject Subject)> Charges(TextbookConfirmation confirmation) =>
        confirmation.Ordered.Select(c => c.Item).SelectMany(item => new[]
        {
            (confirmation.DebitKey(item.Id), item.PriceCents, item.Title, LedgerSubject.TextbookPurchase(item.Title)),
            (confirmation.DepositKey(item.Id), item.DepositCents, item.Title, LedgerSubject.TextbookDeposit(item.Title)),
        }).Where(c => c.Item2 > 0);

    /// <summary>
    /// A debit declined half-way (the wallet spent meanwhile): the items already debited are given back and the answer set
    /// aside, so the family can answer again once the wallet is topped up. The answer is not the pupil's until paid in full.
    /// </summary>
    async Task UndoAsync(IPurseGrain purse, TextbookConfirmation confirmation, List<(string Key, long Cents, string Title)> debited)
    {
        foreach (var (key, cents, title) in debited)
        {
            await purse.CreditAsync(new Credit(confirmation.UndoKey(key), confirmation.Compartment!.Value, cents, MovementKind.Cancellation,
                PaymentMethod.Wallet, LedgerSubject.TextbookCancellation(title), confirmation.ConfirmedBy));
        }
        await store.DeclineAsync(confirmation.Id);
    }

    static IEnumerable<(string Label, long Cents)> Charges(TextbookItem item, TextbookInvoiceWords words)
    {
        yield return (item.Rental ? string.Format(SchoolTime.Culture, words.Rental, item.Title) : item.Title, item.PriceCents);
        yield return (string.Format(SchoolTime.Culture, words.Deposit, item.Title), item.DepositCents);
    }

    /// <summary>
    /// The school marks a handed-out rental returned; its deposit goes back once. Paid from the wallet, it is credited to the
    /// same compartment. Paid by invoice, it is a credit note on that invoice: a family that has not paid yet owes the deposit
    /// less, and what it already paid comes back to the child's wallet at once (never a bank transfer the school must make by
    /// hand) — what a parent expects of a deposit. Marking it again, or a retry, asks the same refund under the same key and
    /// reference, which moves nothing twice. Null when the answer has no such rental handed out on this list.
    /// </summary>
    public async Task<TextbookConfirmation?> ReturnAsync(Guid schoolId, Guid listId, Guid confirmationId, Guid itemId, Actor by, TextbookInvoiceWords words,
        CancellationToken cancellationToken = default)
    {
        if (await store.MarkReturnedAsync(schoolId, listId, confirmationId, itemId, by.Name ?? "", clock.GetUtcNow(), cancellationToken) is not { } confirmation)
        {
            return null;
        }
        var item = confirmation.Items.Single(i => i.Item.Id == itemId).Item;
        if (item.DepositCents == 0)
        {
            return confirmation;
        }
        var key = confirmation.DepositRefundKey(itemId);
        if (confirmation.Payment == TextbookPayment.Wallet)
        {
            await grains.GetGrain<IPurseGrain>(confirmation.PupilId).CreditAsync(new Credit(key, confirmation.Compartment!.Value, item.DepositCents,
                MovementKind.Refund, PaymentMethod.Wallet, LedgerSubject.TextbookDepositRefund(item.Title), by));
        }
        else if (confirmation.InvoiceId is { } invoiceId)
        {
            await grains.GetGrain<IInvoiceGrain>(invoiceId).CreditAsync(new CreditNote(key, item.DepositCents,
                string.Format(SchoolTime.Culture, words.DepositReturned, item.Title), by, ExcessHandling.Wallet));
        }
        return confirmation;
    }

    async Task<string?> PupilClassAsync(Guid schoolId, Guid pupilId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT class_name FROM pupils WHERE id = @pupil AND school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The moment as PostgreSQL keeps it (microseconds), so an answer read back equals the one written.</summary>
    static DateTimeOffset Microseconds(DateTimeOffset now) => now.AddTicks(-(now.Ticks % 10));
}