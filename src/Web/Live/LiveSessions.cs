using System.Collections.Concurrent;
using ItSchool.Accounts;
using ItSchool.Live;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.SignalR;

namespace ItSchool.Web.Live;

/// <summary>
/// The SignalR connections open on this node with the session each was opened with. A connection keeps the
/// principal of the request that opened it for as long as it lives: when that session ends (sign-out, another
/// device signed out, a new password) or the school removes the guardian link its pages rely on, the person's
/// topic brings <see cref="LiveNode"/> the change (every connection watches its person) and the connection is aborted. The browser then
/// reconnects with whatever cookie it has now, and is checked again.
/// </summary>
public sealed class LiveSessions(AccountDirectory accounts, ILogger<LiveSessions> logger)
{
    sealed record Connection(HubCallerContext Context, SignedInUser User);

    // Flat on purpose: ends are rare and scanning a node's connections costs little, while a dictionary
    // per person would have to be emptied and removed without losing a connection being added to it.
    readonly ConcurrentDictionary<string, Connection> open = new();

    /// <summary>
    /// The connection's person if its session is still open, else it is aborted. It is tracked before the check,
    /// so an end published while the check runs still finds it.
    /// </summary>
    public async Task<SignedInUser?> OpenAsync(HubCallerContext context)
    {
        if (SignedInUser.From(context.User!) is not { } user)
        {
            context.Abort();
            return null;
        }
        open[context.ConnectionId] = new Connection(context, user);
        if (!await IsOpenAsync(user, context.ConnectionAborted))
        {
            context.Abort();
            return null;
        }
        return user;
    }

    /// <summary>Whether the connection's session is still open now: asked again before a connection watches a topic.</summary>
    public Task<bool> IsOpenAsync(SignedInUser user, CancellationToken cancellationToken) =>
        accounts.IsSessionOpenAsync(user.SchoolId, user.Id, user.SessionStamp, user.SessionId, cancellationToken);

    public void Close(HubCallerContext context) => open.TryRemove(context.ConnectionId, out _);

    /// <summary>Closes the connections a session's end concerns; false for a change that is not about sessions.</summary>
    public bool OnChange(LiveChange change)
    {
        switch (change)
        {
            case SessionsEnded ended:
                var theirs = open.Values.Where(c => c.User.Id == ended.UserId && c.User.SchoolId == ended.SchoolId).ToList();
                if (theirs.Count > 0)
                {
                    _ = CloseEndedAsync(ended, theirs);
                }
                return true;
            case GuardianshipEnded link:
                foreach (var connection in open.Values.Where(c => c.User.Id == link.UserId && c.User.PupilId == link.PupilId))
                {
                    connection.Context.Abort();
                }
                return true;
            default:
                return false;
        }
    }

    async Task CloseEndedAsync(SessionsEnded ended, IReadOnlyList<Connection> connections)
    {
        foreach (var connection in connections)
        {
            bool stillOpen;
            try
            {
                var signedOut = ended.SessionId is { } gone && connection.User.SessionId == gone;
                stillOpen = !signedOut && await IsOpenAsync(connection.User, CancellationToken.None);
            }
            catch (Exception e)
            {
                // Unsure is closed: the browser reconnects and its cookie is checked like any request's.
                logger.LogWarning(e, "Could not check a live connection's session; closing it");
                stillOpen = false;
            }
            if (!stillOpen)
            {
                connection.Context.Abort();
            }
        }
    }
}