using System.Security.Cryptography;

namespace ItSchool.Web.Meetings;

/// <summary>
/// What the families' grid shows of who holds a slot: a token per (evening, parent), so a page can mark its
/// own appointments in a grid rendered once for everybody, while the token says nothing about the family
/// (it cannot be turned back into an account, and differs from one evening to the next). A second token per
/// (evening, parent, child) lets a page mark what another guardian booked for one of its own children.
/// </summary>
public static class MeetingHolder
{
    public static string Of(Guid eveningId, Guid parentId) => Token(eveningId, parentId, null);

    public static string Of(Guid eveningId, Guid parentId, Guid pupilId) => Token(eveningId, parentId, pupilId);

    static string Token(Guid eveningId, Guid parentId, Guid? pupilId)
    {
        Span<byte> input = stackalloc byte[48];
        eveningId.TryWriteBytes(input);
        parentId.TryWriteBytes(input[16..]);
        pupilId?.TryWriteBytes(input[32..]);
        return Convert.ToHexStringLower(SHA256.HashData(pupilId is null ? input[..32] : input))[..16];
    }
}