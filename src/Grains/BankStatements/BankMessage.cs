using System.Text.Json;
using System.Text.Json.Serialization;

namespace ItSchool.BankStatements;

/// <summary>
/// A sentence for the manager, kept as a code of the bank statements' resources (<c>BankText.resx</c> in the
/// web) and its arguments, so that the history reads in the language of whoever opens it, not of whoever
/// imported the file. The code is the resource's key.
/// </summary>
public sealed record BankMessage(string Code, IReadOnlyList<BankArgument> Arguments)
{
    /// <summary>A text stored before messages had codes (migration 0065), shown as it was written.</summary>
    public const string AsWritten = "AsWritten";

    // PostgreSQL's jsonb orders an object's keys its own way: the argument's kind may come after its value.
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowOutOfOrderMetadataProperties = true };

    public static BankMessage Of(string code, params BankArgument[] arguments) => new(code, arguments);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static BankMessage FromJson(string json) =>
        JsonSerializer.Deserialize<BankMessage>(json, Json) ?? throw new JsonException("A bank message cannot be null.");

    // A record compares its list by reference; two messages are the same when their code and arguments are.
    public bool Equals(BankMessage? other) => other is not null && Code == other.Code && Arguments.SequenceEqual(other.Arguments);

    public override int GetHashCode() => HashCode.Combine(Code, Arguments.Count);

    /// <summary>For logs and exception messages, which no manager reads: the code and the raw arguments.</summary>
    public override string ToString() => Arguments.Count == 0 ? Code : $"{Code}({string.Join(", ", Arguments.Select(a => a switch
    {
        TextArgument t => t.Value,
        NumberArgument n => n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        CentsArgument c => $"{c.Cents}c",
        DateArgument d => d.Date.ToString("O"),
        TermArgument m => m.Term.ToString(),
        _ => "?",
    }))})";
}

/// <summary>An argument of a <see cref="BankMessage"/>, typed so that the web formats it for the reader.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "k")]
[JsonDerivedType(typeof(TextArgument), "t")]
[JsonDerivedType(typeof(NumberArgument), "n")]
[JsonDerivedType(typeof(CentsArgument), "c")]
[JsonDerivedType(typeof(DateArgument), "d")]
[JsonDerivedType(typeof(TermArgument), "m")]
public abstract record BankArgument
{
    public static implicit operator BankArgument(string text) => new TextArgument(text);

    public static implicit operator BankArgument(long number) => new NumberArgument(number);

    public static implicit operator BankArgument(BankMessage term) => new TermArgument(term);
}

/// <summary>Text as the file or a person wrote it (an element's name, an account number): never translated.</summary>
public sealed record TextArgument([property: JsonPropertyName("v")] string Value) : BankArgument;

/// <summary>A count, a line or a sequence number; the resource says its layout (<c>{0:D4}</c>).</summary>
public sealed record NumberArgument([property: JsonPropertyName("v")] long Value) : BankArgument;

public sealed record CentsArgument([property: JsonPropertyName("v")] long Cents) : BankArgument;

public sealed record DateArgument([property: JsonPropertyName("v")] DateOnly Date) : BankArgument;

/// <summary>A word that is itself translated: a record's or a field's name.</summary>
public sealed record TermArgument([property: JsonPropertyName("v")] BankMessage Term) : BankArgument;

/// <summary>
/// Why a file was refused: where in it (a line, an element, a statement) and what is wrong there. Only a text
/// from before the codes whose place could not be read back has no <paramref name="Where"/>.
/// </summary>
public sealed record StatementProblem(BankMessage? Where, BankMessage Reason)
{
    public string ToJson() => JsonSerializer.Serialize(this, BankMessage.Json);

    public static StatementProblem FromJson(string json) =>
        JsonSerializer.Deserialize<StatementProblem>(json, BankMessage.Json) ?? throw new JsonException("A statement problem cannot be null.");
}