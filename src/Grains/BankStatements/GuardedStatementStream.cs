namespace ItSchool.BankStatements;

/// <summary>
/// What every reading pass reads a statement file through: it stops at <see cref="StatementFile.MaxBytes"/>
/// with a clear reason, and at the request's cancellation (a client that left), whichever format is read.
/// </summary>
sealed class GuardedStatementStream(Stream inner, CancellationToken cancellationToken) : Stream
{
    long read;

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    int Count(int bytes)
    {
        cancellationToken.ThrowIfCancellationRequested();
        read += bytes;
        if (read > StatementFile.MaxBytes)
        {
            throw new StatementFormatException(StatementPlace.File, BankMessage.Of("File.TooLarge", StatementFile.MaxBytes / 1024 / 1024));
        }
        return bytes;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}