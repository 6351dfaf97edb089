using System.Text;

namespace ItSchool.Platform;

/// <summary>
/// The one CSV reader (pupils, charges, price lists): reads CSV as RFC 4180 describes it (quoted fields, doubled quotes, line breaks inside quotes), with the
/// separator taken from the header line: Belgian Excel writes ';', most other tools ','. Each record keeps
/// the number of the line it starts on, so errors can point at the line people see in their editor. It reads
/// back what the one writer (<c>CsvExport</c>) writes.
/// </summary>
public static class CsvText
{
    public sealed record Record(int Line, IReadOnlyList<string> Fields);

    static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252,
        EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)!;

    /// <summary>
    /// The text of a CSV file as people's tools save it: UTF-8 with or without byte order mark, UTF-16 with its
    /// mark (Excel's "texte Unicode"), or Windows-1252, what Belgian Excel writes by default for "CSV (séparateur:
    /// point-virgule)". UTF-8 is tried first: Windows-1252 bytes are almost never valid UTF-8, the reverse is
    /// common. Null when the bytes are none of these (a spreadsheet or a picture uploaded by mistake).
    /// </summary>
    public static string? Decode(byte[] bytes)
    {
        if (bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            return Text(bytes[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode, bytes.AsSpan(2));
        }
        return Text(StrictUtf8, bytes)?.TrimStart('\uFEFF') ?? Text(Windows1252, bytes);
    }

    static string? Text(Encoding encoding, ReadOnlySpan<byte> bytes)
    {
        try
        {
            var text = encoding.GetString(bytes);
            // Control characters other than tabs and line breaks mean a binary file, not text.
            return text.Any(c => char.IsControl(c) && c is not ('\t' or '\r' or '\n')) ? null : text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// The non-blank records of the text; <c>UnclosedQuoteLine</c> is the line of a record whose quote never
    /// closes (everything from there on is unreadable).
    /// </summary>
    public static (IReadOnlyList<Record> Records, int? UnclosedQuoteLine) Read(string text)
    {
        text = text.TrimStart('\uFEFF');
        var separator = SeparatorOf(text);
        var records = new List<Record>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        var fieldStarted = false;

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    if (c == '\n' || (c == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
                    {
                        line++;
                    }
                    field.Append(c);
                }
            }
            else if (c == '"' && !fieldStarted)
            {
                quoted = true;
                fieldStarted = true;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
                fieldStarted = false;
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                EndRecord();
                line++;
                recordLine = line;
            }
            else
            {
                // A quote inside an unquoted field is kept as written, as spreadsheets read it.
                field.Append(c);
                fieldStarted = true;
            }
        }
        if (quoted)
        {
            return (records, recordLine);
        }
        EndRecord();
        return (records, null);

        void EndRecord()
        {
            fields.Add(field.ToString());
            field.Clear();
            fieldStarted = false;
            if (fields.Any(f => f.Trim().Length > 0))
            {
                records.Add(new Record(recordLine, fields.ToList()));
            }
            fields.Clear();
        }
    }

    static char SeparatorOf(string text)
    {
        int semicolons = 0, commas = 0;
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '\r' or '\n')
            {
                break;
            }
            else if (!quoted && c == ';')
            {
                semicolons++;
            }
            else if (!quoted && c == ',')
            {
                commas++;
            }
        }
        return commas > semicolons ? ',' : ';';
    }
}