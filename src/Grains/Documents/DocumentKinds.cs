using System.Text;

namespace ItSchool.Documents;

/// <summary>
/// What a school may send, recognised by the file's first bytes rather than its name or the browser's word: a PDF,
/// a PNG, JPEG or GIF picture, or an office file (Word, Excel, PowerPoint, legacy or Open XML, and OpenDocument).
/// The name's extension must agree with the content, so that a program renamed ".pdf" is refused; the type the
/// download is served with is the one the content proved. Office files of one container (a ZIP, or the legacy
/// compound file) cannot be told apart by their start alone: there the extension picks among that container's formats.
/// </summary>
public static class DocumentKinds
{
    /// <summary>How many first bytes <see cref="Sniff"/> needs (fewer only when the whole file is shorter).</summary>
    public const int SniffBytes = 8;

    sealed record Kind(string Container, string Extension, string ContentType);

    static readonly Kind[] Kinds =
    [
        new("pdf", ".pdf", "application/pdf"),
        new("png", ".png", "image/png"),
        new("jpeg", ".jpg", "image/jpeg"),
        new("jpeg", ".jpeg", "image/jpeg"),
        new("gif", ".gif", "image/gif"),
        new("zip", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        new("zip", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        new("zip", ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        new("zip", ".odt", "application/vnd.oasis.opendocument.text"),
        new("zip", ".ods", "application/vnd.oasis.opendocument.spreadsheet"),
        new("zip", ".odp", "application/vnd.oasis.opendocument.presentation"),
        new("ole", ".doc", "application/msword"),
        new("ole", ".xls", "application/vnd.ms-excel"),
        new("ole", ".ppt", "application/vnd.ms-powerpoint"),
    ];

    /// <summary>The extensions a school may send, for the file picker's hint and the refusal's message.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [.. Kinds.Select(k => k.Extension)];

    /// <summary>The strict content type of a file named <paramref name="fileName"/> starting with <paramref name="head"/>; null when refused.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head, string fileName)
    {
        var container = Container(head);
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        return container is null ? null : Kinds.FirstOrDefault(k => k.Container == container && k.Extension == extension)?.ContentType;
    }

    static string? Container(ReadOnlySpan<byte> head) => head switch
    {
        [(byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', ..] => "pdf",
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => "png",
        [0xFF, 0xD8, 0xFF, ..] => "jpeg",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7' or (byte)'9', (byte)'a', ..] => "gif",
        [(byte)'P', (byte)'K', 0x03, 0x04, ..] => "zip",
        [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, ..] => "ole",
        _ => null,
    };

    /// <summary>A file name safe to store and to send back: the name's last part, without control or quote characters, at most 200 characters.</summary>
    public static string CleanName(string? name)
    {
        var last = Path.GetFileName((name ?? "").Replace('\\', '/'));
        var clean = new StringBuilder();
        foreach (var c in last.Where(c => !char.IsControl(c) && c is not '"' and not '/'))
        {
            clean.Append(c);
        }
        var text = clean.ToString().Trim();
        return text.Length <= 200 ? text : text[..(200 - Path.GetExtension(text).Length)] + Path.GetExtension(text);
    }
}