namespace ItSchool.Schools;

/// <summary>
/// A school (tenant). Reached at its own <see cref="Host"/> or at <c>/e/{Slug}</c>. <see cref="Language"/> is the
/// culture its pages and mails use for whoever has not chosen one (fr-BE, nl-BE or en-BE); null until the operator
/// chooses one: then each reader's browser decides, and French for mails.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record School(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Slug,
    [property: Id(2)] string Name,
    [property: Id(3)] string? Host,
    [property: Id(4)] bool Suspended = false,
    [property: Id(5)] string? Language = null);