using ItSchool.Live;

namespace ItSchool.Accounts;

/// <summary>
/// Sessions of a person ended (sign-out, "Se déconnecter des autres appareils", a new password): every web
/// node closes the person's live connections whose session is no longer open. <paramref name="SessionId"/>
/// names the one session that signed out, if that is what happened.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionsEnded(Guid SchoolId, [property: Id(1)] Guid UserId, [property: Id(2)] Guid? SessionId) : LiveChange(SchoolId)
{
    public override IReadOnlyList<string> Topics => [PersonTopic.Of(UserId)];
}

/// <summary>The school removed the link between a guardian and a pupil: their live connections on that child's pages close.</summary>
[GenerateSerializer, Immutable]
public sealed record GuardianshipEnded(Guid SchoolId, [property: Id(1)] Guid UserId, [property: Id(2)] Guid PupilId) : LiveChange(SchoolId)
{
    public override IReadOnlyList<string> Topics => [PersonTopic.Of(UserId)];
}

/// <summary>
/// What concerns one person wherever they are in the application (their sessions, their household's appointments):
/// every live connection of theirs watches it from the moment it opens.
/// </summary>
public static class PersonTopic
{
    public const string Kind = "person";

    public static string Of(Guid userId) => $"{Kind}:{userId}";
}