using ItSchool.Orders;
using ItSchool.Wallets;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Orders;

/// <summary>How the school's pages word a form's classes and payment.</summary>
public static class SchoolOrderTexts
{
    public static string Classes(IStringLocalizer<OrderAdminText> T, IReadOnlyList<string>? classes) =>
        classes is null ? T["Classes.All"] : string.Join(", ", classes);

    public static string Payment(IStringLocalizer<OrderAdminText> T, OrderPayment payment, int? compartment, int dueDays,
        IReadOnlyList<CompartmentSettings> compartments) =>
        payment == OrderPayment.Wallet
            ? T["Payment.WalletIn", compartments.FirstOrDefault(c => c.Compartment == compartment)?.Name ?? compartment?.ToString() ?? ""]
            : T["Payment.InvoiceDue", dueDays];
}