using System.Globalization;
using ItSchool.Live;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Live;

/// <summary>
/// A kind of thing pages watch live ("purse" for "purse:{pupilId}"), declared by its feature: who may watch
/// one, its state now, and the fragments a change of it renders. Registered with <see cref="LiveSetup.AddLiveTopic{T}"/>.
/// </summary>
public interface ILiveTopic
{
    /// <summary>The topic's first segment, before ':'.</summary>
    string Kind { get; }

    /// <summary>
    /// Whether a change also makes the page's regions that read themselves again do so (<c>itschool:changed</c>):
    /// a purse's change reaches the sales journal and the invoice list that way, while a grid's push is the whole news.
    /// </summary>
    bool Announces => true;

    /// <summary>
    /// Whether this person may watch the topic whose key follows the kind, checked on every watch: the topic
    /// as its grains publish it and the audience the person joins, or null (refused: the connection joins nothing).
    /// </summary>
    Task<LiveWatch?> AuthorizeAsync(SignedInUser user, string key, CancellationToken cancellationToken);

    /// <summary>The topic's state now, as a change, for a watcher coming (back) with an older version; null for topics without versions.</summary>
    Task<LiveChange?> CurrentAsync(Guid schoolId, string topic);

    /// <summary>
    /// Once per burst of changes on a node: reads what the fragments need beyond the change, and answers how to render
    /// them for each audience and culture (null html: only "read again"); null when nobody should hear of the change.
    /// </summary>
    Task<LiveFragments?> PrepareAsync(LiveChange change, IReadOnlyCollection<string> audiences);
}

/// <summary>A watch allowed: the topic, and the audience whose fragments the connection receives ("staff", "families").</summary>
public sealed record LiveWatch(string Topic, string Audience = "");

public delegate Task<string?> LiveFragments(string audience, CultureInfo culture);

/// <summary>A topic whose changes only tell the page to read its own regions again (<c>itschool:changed</c>).</summary>
public static class LiveSignal
{
    public static readonly LiveFragments Only = (_, _) => Task.FromResult<string?>(null);
}