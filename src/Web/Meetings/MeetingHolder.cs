using System.Security.Cryptography;

namespace ItSchool.Web.Meetings;

/// <summary>
/// What the families' grid shows of who holds a slot: a token per (evening, parent), so a page can mark its
/// own appointments in a grid rendered once for everybody, while the token says nothing about the family
/// (it cannot be turned back into an account, and differs from one evening to the next).
/// </summary>
public static class MeetingHolder
{
    public static string Of(Guid eveningId, Guid parentId)
    {
        Span<byte> input = stackalloc byte[32];
        eveningId.TryWriteBytes(input);
        parentId.TryWriteBytes(input[16..]);
        return Convert.ToHexStringLower(SHA256.HashData(input))[..16];
    }
}