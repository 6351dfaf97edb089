namespace ItSchool.Textbooks;

/// <summary>
/// A list as the school's form posts it, before it is checked. What could not even be read is already out of range
/// (a price of -1, a null date), so that <see cref="TextbookStore.SaveAsync"/> names every problem at once.
/// </summary>
public sealed record TextbookListDraft(
    Guid Id,
    Guid SchoolId,
    string ClassName,
    int SchoolYear,
    DateOnly? OpensOn,
    DateOnly? ClosesOn,
    TextbookPayment? Payment,
    int? Compartment,
    int? DueDays,
    IReadOnlyList<TextbookItemDraft> Items);

/// <summary>An item row; <see cref="Id"/> null for a new one, <see cref="Isbn"/> as typed (empty: none).</summary>
public sealed record TextbookItemDraft(
    Guid? Id,
    string Title,
    string Publisher,
    string Isbn,
    long PriceCents,
    bool Rental,
    long DepositCents,
    DateOnly? ReturnOn,
    bool Compulsory);

/// <summary>A field the school must correct: <see cref="Field"/> names it ("Opens", "I2.Isbn"), <see cref="Code"/> says what is wrong.</summary>
public sealed record TextbookProblem(string Field, string Code);

public sealed record TextbookSaved(Guid? Id, IReadOnlyList<TextbookProblem> Problems)
{
    public bool Saved => Problems.Count == 0;
}