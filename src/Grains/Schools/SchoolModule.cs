namespace ItSchool.Schools;

/// <summary>The parts of ItSchool a school can switch on; the menu shows only enabled ones.</summary>
public enum SchoolModule
{
    Wallets = 1,
    PointOfSale = 2,
    Meetings = 3,
    Invoices = 4,
    BankStatements = 5,
    Meals = 6,
    Documents = 7,
    Events = 8,
    Orders = 9,
    Absences = 10,
    Textbooks = 11,
}