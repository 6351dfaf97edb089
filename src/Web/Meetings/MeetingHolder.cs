using System.Security.Cryptography;

namespace ItSchool.Web.Meetings;

/// <summary>
/// What the families' grid shows of who holds a slot: a token per (evening, teacher, parent), so a page can mark
/// its own appointments in a grid rendered once for everybody, while the token says nothing about the family:
/// it cannot be turned back into an account, and it differs from one teacher's grid to the next (and from one
/// evening to the next), so a parent watching several grids cannot tell that two appointments are one family's.
/// A second token per (evening, teacher, parent, child) lets a page mark what another guardian booked for one of
/// its own children.
/// </summary>
public static class MeetingHolder
{
    public static string Of(Guid eveningId, Guid teacherId, Guid parentId) => Token(eveningId, teacherId, parentId, null);

    public static string Of(Guid eveningId, Guid teacherId, Guid parentId, Guid pupilId) => Token(eveningId, teacherId, parentId, pupilId);

    static string Token(Guid eveningId, Guid teacherId, Guid parentId, Guid? pupilId)
    {
        Span<byte> input = stackalloc byte[64];
        eveningId.TryWriteBytes(input);
        teacherId.TryWriteBytes(input[16..]);
        parentId.TryWriteBytes(input[32..]);
        pupilId?.TryWriteBytes(input[48..]);
        return Convert.ToHexStringLower(SHA256.HashData(pupilId is null ? input[..48] : input))[..16];
    }
}