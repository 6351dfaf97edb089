using Npgsql;
using NpgsqlTypes;

namespace ItSchool.Documents;

public enum UploadProblem
{
    NoFile,
    WrongType,
    TooLarge,
}

/// <summary>
/// One upload, as it streams: the file goes into <c>document_chunks</c> a chunk at a time (never whole in memory),
/// inside a transaction that only <see cref="CommitAsync"/> ends well; a refused file or form, or an upload given up,
/// rolls back and leaves nothing. The first bytes decide the type before anything is written.
/// </summary>
public sealed class DocumentUpload : IAsyncDisposable
{
    public const int ChunkBytes = 256 * 1024;

    readonly NpgsqlConnection connection;
    readonly NpgsqlTransaction transaction;

    DocumentUpload(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id)
    {
        this.connection = connection;
        this.transaction = transaction;
        Id = id;
    }

    public Guid Id { get; }

    public string? FileName { get; private set; }

    public string? ContentType { get; private set; }

    public long SizeBytes { get; private set; }

    public static async Task<DocumentUpload> BeginAsync(NpgsqlDataSource db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = await db.OpenConnectionAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        return new DocumentUpload(connection, transaction, Guid.CreateVersion7(now));
    }

    /// <summary>Streams the file in; null when it was taken, otherwise why not (and the caller answers without committing).</summary>
    public async Task<UploadProblem?> WriteFileAsync(Stream file, string? fileName, long maxBytes, CancellationToken cancellationToken)
    {
        if (FileName is not null)
        {
            return UploadProblem.WrongType;
        }
        var name = DocumentKinds.CleanName(fileName);
        var buffer = new byte[ChunkBytes];
        var filled = await FillAsync(file, buffer, cancellationToken);
        if (filled == 0 || name.Length == 0)
        {
            return UploadProblem.NoFile;
        }
        if (DocumentKinds.Sniff(buffer.AsSpan(0, filled), name) is not { } type)
        {
            return UploadProblem.WrongType;
        }
        await using var insert = new NpgsqlCommand(
            "INSERT INTO document_chunks (document_id, position, data) VALUES (@id, @position, @data)", connection, transaction);
        insert.Parameters.AddWithValue("id", Id);
        var position = insert.Parameters.Add("position", NpgsqlDbType.Integer);
        var data = insert.Parameters.Add("data", NpgsqlDbType.Bytea);
        long size = 0;
        for (var index = 0; filled > 0; index++)
        {
            size += filled;
            if (size > maxBytes)
            {
                return UploadProblem.TooLarge;
            }
            position.Value = index;
            data.Value = new ArraySegment<byte>(buffer, 0, filled);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            filled = await FillAsync(file, buffer, cancellationToken);
        }
        (FileName, ContentType, SizeBytes) = (name, type, size);
        return null;
    }

    static async Task<int> FillAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
        {
            filled += read;
        }
        return filled;
    }

    /// <summary>Writes the document's row and its pupils and commits; only after a file was taken.</summary>
    public async Task CommitAsync(Guid schoolId, DocumentDraft draft, string uploadedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO documents (id, school_id, title, dated_on, file_name, content_type, size_bytes, audience, class_name, uploaded_by, uploaded_at)
            VALUES (@id, @school, @title, @date, @file, @type, @size, @audience, @class, @by, @now)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", Id);
            insert.Parameters.AddWithValue("school", schoolId);
            insert.Parameters.AddWithValue("title", draft.Title);
            insert.Parameters.AddWithValue("date", draft.DatedOn);
            insert.Parameters.AddWithValue("file", FileName!);
            insert.Parameters.AddWithValue("type", ContentType!);
            insert.Parameters.AddWithValue("size", SizeBytes);
            insert.Parameters.AddWithValue("audience", draft.Audience.ToString().ToLowerInvariant());
            insert.Parameters.AddWithValue("class", (object?)draft.ClassName ?? DBNull.Value);
            insert.Parameters.AddWithValue("by", uploadedBy);
            insert.Parameters.AddWithValue("now", now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var pupils = new NpgsqlCommand("""
            INSERT INTO document_pupils (document_id, pupil_id)
            SELECT @id, id FROM pupils WHERE school_id = @school AND id = ANY(@pupils)
            """, connection, transaction))
        {
            pupils.Parameters.AddWithValue("id", Id);
            pupils.Parameters.AddWithValue("school", schoolId);
            pupils.Parameters.AddWithValue("pupils", draft.PupilIds.ToArray());
            await pupils.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}

public enum DocumentAudience
{
    Pupils,
    Class,
    School,
}

/// <summary>What the school's form says about a document, its recipients already resolved to pupils of the school.</summary>
public sealed record DocumentDraft(string Title, DateOnly DatedOn, DocumentAudience Audience, string? ClassName, IReadOnlyList<Guid> PupilIds);