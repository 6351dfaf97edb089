using ItSchool.BankStatements;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.BankStatements;

/// <summary>Statements written for a test: each test its own account, so tests never share a statement history.</summary>
public sealed class Statements
{
    public string Account { get; } = $"BE{Random.Shared.NextInt64(10_000_000_000_000, 99_999_999_999_999)}";

    public long Closing { get; private set; }

    public int Number { get; private set; }

    /// <summary>One or several statements following each other, in one CODA file.</summary>
    public byte[] Coda(params (string Reference, long Cents, string Communication)[][] statements)
    {
        using var file = new MemoryStream();
        var writer = new CodaWriter(file, Account);
        foreach (var movements in statements)
        {
            writer.Open(++Number, Closing, new DateOnly(2026, 9, 1).AddDays(Number));
            foreach (var (reference, cents, communication) in movements)
            {
                writer.Movement(Reference(reference), cents, communication, "LEFEVRE AMELIE");
            }
            Closing = writer.Close();
        }
        return file.ToArray();
    }

    /// <summary>One statement whose movements the test writes itself (globalised batches, …), references made with <see cref="Reference"/>.</summary>
    public byte[] Coda(Action<CodaWriter> write)
    {
        using var file = new MemoryStream();
        var writer = new CodaWriter(file, Account);
        writer.Open(++Number, Closing, new DateOnly(2026, 9, 1).AddDays(Number));
        write(writer);
        Closing = writer.Close();
        return file.ToArray();
    }

    /// <summary>A bank reference of this account's statements: references are unique per school.</summary>
    public string Reference(string name) => $"{Account[^6..]}{name}";

    /// <summary>Writes the next file starting again from an earlier statement (an overlapping download).</summary>
    public void Rewind(int number, long closing) => (Number, Closing) = (number, closing);

    public static async Task<StructuredCommunication> CommunicationAsync(WebNode web, string firstName, int compartment = 1) =>
        (await Purse(web, firstName).GetCompartmentsAsync()).Single(c => c.Compartment == compartment).Communication;

    public static IPurseGrain Purse(WebNode web, string firstName) =>
        web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(DemoPupils.IdAsync(web, firstName).GetAwaiter().GetResult());

    public static async Task<long> BalanceAsync(WebNode web, string firstName, int compartment = 1) =>
        (await Purse(web, firstName).GetCompartmentsAsync()).Single(c => c.Compartment == compartment).BalanceCents;
}