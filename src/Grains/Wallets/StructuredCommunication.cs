namespace ItSchool.Wallets;

/// <summary>
/// The Belgian structured communication (OGM/VCS) <c>+++123/4567/89002+++</c>: ten digits and a
/// two-digit check equal to the number mod 97, or 97 when that is 0.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct StructuredCommunication
{
    StructuredCommunication(long number) => Number = number;

    /// <summary>The ten-digit number without its check digits.</summary>
    [Id(0)]
    public long Number { get; }

    public int Check => (int)(Number % 97) is 0 ? 97 : (int)(Number % 97);

    public static StructuredCommunication From(long number) =>
        number is < 0 or > 9_999_999_999
            ? throw new ArgumentOutOfRangeException(nameof(number), "A structured communication has ten digits.")
            : new StructuredCommunication(number);

    /// <summary>Reads one from any layout banks use (<c>+++…+++</c>, <c>***…***</c>, bare digits, spaces, slashes).</summary>
    public static bool TryParse(string? text, out StructuredCommunication communication)
    {
        communication = default;
        var digits = new string((text ?? "").Where(char.IsAsciiDigit).ToArray());
        var rest = (text ?? "").Where(c => !char.IsAsciiDigit(c) && c is not ('+' or '*' or '/' or ' '));
        if (digits.Length != 12 || rest.Any())
        {
            return false;
        }
        var candidate = new StructuredCommunication(long.Parse(digits[..10]));
        if (candidate.Check != int.Parse(digits[10..]))
        {
            return false;
        }
        communication = candidate;
        return true;
    }

    /// <summary>The twelve digits as a bank's payment field expects them.</summary>
    public string Digits => $"{Number:D10}{Check:D2}";

    public override string ToString()
    {
        var d = Digits;
        return $"+++{d[..3]}/{d[3..7]}/{d[7..]}+++";
    }
}