using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ItSchool.Tests.Notifications.Push;

/// <summary>
/// What a browser holds for one subscription: its own P-256 key pair and 16-byte auth secret, given to the server in the
/// subscription, and the means to decrypt what the server sends it (RFC 8291's aes128gcm, as a browser does).
/// </summary>
public sealed class PushSubscriber : IDisposable
{
    readonly ECDiffieHellman key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
    readonly byte[] authSecret = RandomNumberGenerator.GetBytes(16);

    public PushSubscriber(Uri endpoint) => Endpoint = endpoint;

    public Uri Endpoint { get; }

    public byte[] PublicKey
    {
        get
        {
            var q = key.ExportParameters(includePrivateParameters: false).Q;
            return [0x04, .. q.X!, .. q.Y!];
        }
    }

    public string P256dh => Base64Url.EncodeToString(PublicKey);

    public string Auth => Base64Url.EncodeToString(authSecret);

    /// <summary>The plain text of an aes128gcm body (RFC 8188 header, then one record), or an exception if it was not sealed for this subscriber.</summary>
    public string Decrypt(byte[] body)
    {
        var salt = body.AsSpan(0, 16).ToArray();
        var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
        var idLength = body[20];
        Assert.Equal(65, idLength);
        var senderKey = body.AsSpan(21, idLength).ToArray();
        var sealedRecord = body.AsSpan(21 + idLength).ToArray();
        Assert.True(sealedRecord.Length <= recordSize, "one record holds the whole message");

        using var sender = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = senderKey[1..33], Y = senderKey[33..65] },
        });
        var shared = key.DeriveRawSecretAgreement(sender.PublicKey);
        byte[] keyInfo = [.. "WebPush: info"u8, 0, .. PublicKey, .. senderKey];
        var inputKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, authSecret, keyInfo);
        var contentKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKey, 16, salt, [.. "Content-Encoding: aes128gcm"u8, 0]);
        var nonce = HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKey, 12, salt, [.. "Content-Encoding: nonce"u8, 0]);

        var cipherText = sealedRecord[..^16];
        var plain = new byte[cipherText.Length];
        using (var aes = new AesGcm(contentKey, 16))
        {
            aes.Decrypt(nonce, cipherText, sealedRecord[^16..], plain);
        }
        // The last record ends with the delimiter 2, then any padding of zeros.
        var end = Array.FindLastIndex(plain, b => b != 0);
        Assert.Equal(2, plain[end]);
        return Encoding.UTF8.GetString(plain, 0, end);
    }

    public void Dispose() => key.Dispose();
}