using System.Text;
using ItSchool.BankStatements;

namespace ItSchool.Tests.BankStatements;

/// <summary>
/// A statement file is refused early, with its reason, when it is nested deeper, holds more, or weighs more
/// than a statement can, or declares a DTD; and a reading pass stops when the request is cancelled.
/// </summary>
public sealed class StatementLimitsTests
{
    const string Head = """<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>""";

    /// <summary>Counts what the reader took from the file, to show where it stopped.</summary>
    sealed class Counted(Stream inner, Action<long>? onRead = null) : ReadOnlyStream
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Add(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Add(inner.Read(buffer));

        int Add(int bytes)
        {
            BytesRead += bytes;
            onRead?.Invoke(BytesRead);
            return bytes;
        }
    }

    /// <summary>The head of a camt document, then the same text again and again, without end.</summary>
    sealed class Endless(string head, string repeated) : ReadOnlyStream
    {
        readonly byte[] start = Encoding.UTF8.GetBytes(head);
        readonly byte[] again = Encoding.UTF8.GetBytes(repeated);
        long position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var i = 0; i < count; i++, position++)
            {
                buffer[offset + i] = position < start.Length ? start[position] : again[(position - start.Length) % again.Length];
            }
            return count;
        }
    }

    abstract class ReadOnlyStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    static byte[] Nested(string where, int levels)
    {
        var text = new StringBuilder(Head).Append(where);
        for (var i = 0; i < levels; i++)
        {
            text.Append("<a>");
        }
        for (var i = 0; i < levels; i++)
        {
            text.Append("</a>");
        }
        return Encoding.UTF8.GetBytes(text.Append("</Stmt></BkToCstmrStmt></Document>").ToString());
    }

    [Theory]
    [InlineData("<Stmt><Ntry>")]
    [InlineData("<Stmt><Acct>")]
    [InlineData("<GrpHdr><Stmt>")]
    public void A_deeply_nested_file_of_1_4_MB_is_refused_at_the_depth_limit_without_reading_the_rest(string where)
    {
        // 200,000 levels: LINQ to XML alone would spend many minutes building that tree.
        var file = Nested(where, 200_000);
        Assert.True(file.Length > 1_400_000);

        var error = Assert.Throws<StatementFormatException>(() => StatementFile.Check(() => new MemoryStream(file)));

        Assert.Contains($"plus de {GuardedXmlReader.MaxDepth} niveaux", error.ReasonText());
        Assert.StartsWith("ligne 1, position", error.WhereText());
    }

    [Fact]
    public void The_depth_limit_stops_the_reader_after_a_few_kilobytes()
    {
        var file = Nested("<Stmt><Ntry>", 200_000);
        var counted = new Counted(new MemoryStream(file));

        Assert.Throws<StatementFormatException>(() => StatementFile.Read(StatementFormat.Camt053, counted).ToList());

        Assert.True(counted.BytesRead < 64 * 1024, $"read {counted.BytesRead} bytes");
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_as_too_large()
    {
        var error = Assert.Throws<StatementFormatException>(() =>
            StatementFile.Read(StatementFormat.Camt053, new Endless(Head + "<GrpHdr><MsgId>", "0123456789abcdef")).ToList());

        Assert.Equal("fichier", error.WhereText());
        Assert.Contains($"fichier trop volumineux (plus de {StatementFile.MaxBytes / 1024 / 1024} Mo)", error.ReasonText());
    }

    [Fact]
    public void A_file_of_millions_of_small_elements_is_refused_at_the_element_limit()
    {
        var error = Assert.Throws<StatementFormatException>(() =>
            StatementFile.Read(StatementFormat.Camt053, new Endless(Head + "<GrpHdr>", "<a/>")).ToList());

        Assert.Contains("éléments XML", error.ReasonText());
    }

    [Fact]
    public void A_file_with_a_DTD_and_entities_is_refused()
    {
        var bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE Document [
              <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
              <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
              <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
            ]>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>&c;</MsgId></GrpHdr></BkToCstmrStmt></Document>
            """;

        var error = Assert.Throws<StatementFormatException>(() => StatementFile.Check(() => new MemoryStream(Encoding.UTF8.GetBytes(bomb))));

        Assert.Contains("XML illisible", error.ReasonText());
        Assert.Contains("DTD", error.ReasonText());
    }

    [Fact]
    public void A_cancelled_request_stops_the_reading_pass_at_its_next_read()
    {
        using var cancellation = new CancellationTokenSource();
        var counted = new Counted(new Endless(Head + "<GrpHdr><MsgId>", "0123456789abcdef"), read =>
        {
            if (read > 1024 * 1024)
            {
                cancellation.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => StatementFile.Read(StatementFormat.Camt053, counted, cancellation.Token).ToList());

        Assert.True(counted.BytesRead < 2 * 1024 * 1024, $"read {counted.BytesRead} bytes");
    }
}