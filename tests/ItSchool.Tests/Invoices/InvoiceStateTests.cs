using ItSchool.Invoices;

namespace ItSchool.Tests.Invoices;

public sealed class InvoiceStateTests
{
    static readonly DateOnly Due = new(2026, 11, 30);

    [Theory]
    [InlineData(0, 0, "2026-11-30", InvoiceState.Open)]
    [InlineData(0, 0, "2026-12-01", InvoiceState.Overdue)]
    [InlineData(1_000, 0, "2026-11-15", InvoiceState.PartiallyPaid)]
    [InlineData(1_000, 0, "2026-12-15", InvoiceState.Overdue)]
    [InlineData(6_000, 0, "2026-12-15", InvoiceState.Paid)]
    [InlineData(0, 6_000, "2026-12-15", InvoiceState.Credited)]
    [InlineData(2_000, 4_000, "2026-12-15", InvoiceState.Paid)]
    [InlineData(0, 2_000, "2026-12-15", InvoiceState.Overdue)]
    public void The_state_follows_the_day_and_what_was_paid_or_credited(long paid, long credited, string today, InvoiceState expected) =>
        Assert.Equal(expected, InvoiceStates.At(6_000, paid, credited, Due, DateOnly.Parse(today)));
}