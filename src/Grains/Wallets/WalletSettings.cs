namespace ItSchool.Wallets;

/// <summary>A school's bank account and top-up rules, as parents' top-up dialogs need them.</summary>
public sealed record WalletSettings(
    string? Iban, string? Bic, string? Beneficiary, long OnlineMinCents, long OnlineMaxCents, bool BankTransferEnabled, bool OnlineEnabled);

/// <summary>One of the school's compartments as the manager configures it.</summary>
public sealed record CompartmentSettings(int Compartment, string Name, long FloorCents);