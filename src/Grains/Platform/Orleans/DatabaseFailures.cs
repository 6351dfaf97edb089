using Npgsql;

namespace ItSchool.Platform.Orleans;

/// <summary>
/// PostgreSQL out of reach, said across the wire. Npgsql's exceptions have no codec: a grain that let one escape gave its
/// caller a CodecNotFoundException, which a web node could only answer with a 500.
/// </summary>
[GenerateSerializer]
public sealed class DatabaseUnavailableException : Exception
{
    public DatabaseUnavailableException(string message) : base(message)
    {
    }
}

/// <summary>
/// Turns what PostgreSQL throws inside a grain call into exceptions every caller can read: out of reach (the server
/// restarting, refusing connections, a broken connection) becomes <see cref="DatabaseUnavailableException"/>, anything
/// else a plain bug with its SQLSTATE. An activation that fails is not seen by call filters: those exceptions cross as
/// Npgsql types stripped of their fields (see <see cref="ClusterSetup"/>), and callers treat them as out of reach.
/// </summary>
public sealed class DatabaseFailures : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (NpgsqlException e) when (e is not PostgresException || e.IsTransient)
        {
            throw new DatabaseUnavailableException(e.Message);
        }
        catch (PostgresException e)
        {
            throw new InvalidOperationException($"PostgreSQL {e.SqlState}: {e.MessageText}");
        }
    }
}