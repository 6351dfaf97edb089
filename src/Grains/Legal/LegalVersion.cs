namespace ItSchool.Legal;

/// <summary>
/// One published version of a school's text: its number, when it was published, and the text in each language
/// the school wrote it in (keyed by two-letter language: "fr", "nl", "en"; a language left out is absent).
/// </summary>
public sealed record LegalVersion(LegalKind Kind, int Number, DateTimeOffset PublishedAt, IReadOnlyDictionary<string, string> Texts)
{
    /// <summary>The languages a text can be written in, in the order a reader falls back through them.</summary>
    public static readonly IReadOnlyList<string> Languages = ["fr", "nl", "en"];

    /// <summary>The text in <paramref name="language"/> when the school wrote one, otherwise the first it wrote (French, Dutch, English).</summary>
    public string TextFor(string language) =>
        Texts.TryGetValue(language, out var text) ? text : Languages.Where(Texts.ContainsKey).Select(l => Texts[l]).First();
}

/// <summary>A version as the manager's history lists it: with how many parents accepted it (terms only).</summary>
public sealed record LegalVersionSummary(int Number, DateTimeOffset PublishedAt, string PublishedBy, int Acceptances);