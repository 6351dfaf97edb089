namespace ItSchool.Invoices;

/// <summary>Which ways of paying invoices a school offers, and where money paid beyond what was owed goes.</summary>
public sealed record InvoiceSettings(bool BankTransferEnabled, bool OnlineEnabled, bool WalletEnabled, bool PartialWalletEnabled,
    ExcessHandling Overpayment)
{
    public static readonly InvoiceSettings Default = new(true, true, true, true, ExcessHandling.Wallet);
}