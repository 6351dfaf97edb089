using QRCoder;

namespace ItSchool.Web.Platform;

/// <summary>
/// The one way to draw a QR code (a transfer's EPC payload, see <c>EpcQrPayload</c>), for a page and a PDF
/// alike: error correction level M, which the EPC guidelines ask for; UTF-8, as the payload's version 002
/// says; black on white in full colour, because PdfPig reads RGB(A) PNGs and not QRCoder's one-bit default.
/// </summary>
public static class QrCodes
{
    public static byte[] Png(string payload, int pixelsPerModule)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M, forceUtf8: true);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule, [0, 0, 0, 255], [255, 255, 255, 255]);
    }

    /// <summary>For an <c>img</c> of a page: <c>src="data:image/png;base64,…"</c>.</summary>
    public static string PngBase64(string payload) => Convert.ToBase64String(Png(payload, pixelsPerModule: 6));
}