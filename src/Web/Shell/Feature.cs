using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Schools;

namespace ItSchool.Web.Shell;

/// <summary>
/// A part of ItSchool as the shell sees it (wallets, invoices, meetings…). Each feature says once, in its own
/// folder, which module switches it on, what it registers, where its pages hang, what it adds to the menu and
/// the dashboard, and what the demo school gets. The shell iterates <see cref="Features"/>: adding a feature
/// is one class and one line in <see cref="ItSchoolApp"/>, and touches no other feature.
/// </summary>
public abstract class Feature
{
    /// <summary>The module a school switches on to have this feature; null for what every school has (accounts, management).</summary>
    public virtual SchoolModule? Module => null;

    public virtual void AddServices(WebApplicationBuilder builder)
    {
    }

    /// <summary>Endpoints outside a school's address (terminal and import APIs, payment webhooks); they check their key's school themselves.</summary>
    public virtual void MapOutsideSchools(WebApplication app)
    {
    }

    /// <summary>Pages under the school's address. The group it gets is refused (404) in a school that switched the module off.</summary>
    public virtual void MapInSchool(RouteGroupBuilder school)
    {
    }

    /// <summary>The lines this feature adds to the left menu; shown only where the module is on and to the roles they name.</summary>
    public virtual IEnumerable<MenuEntry> Menu => [];

    /// <summary>The cards this feature shows on the reader's dashboard (only asked where the module is on).</summary>
    public virtual Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader) => Task.FromResult(Enumerable.Empty<DashboardCard>());

    /// <summary>The demo school's data for this feature, once the cluster runs, right after a fresh demo seed (never in production).</summary>
    public virtual Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken) => Task.CompletedTask;

    public bool IsOnIn(IReadOnlySet<SchoolModule> enabled) => Module is null || enabled.Contains(Module.Value);
}

/// <summary>Every feature of this web node, in the order their menu entries and dashboard cards appear.</summary>
public sealed class Features(IReadOnlyList<Feature> all)
{
    public IReadOnlyList<Feature> All => all;

    public IEnumerable<Feature> OnIn(IReadOnlySet<SchoolModule> enabled) => all.Where(feature => feature.IsOnIn(enabled));

    /// <summary>The modules an operator can switch on: those a feature of this build declares (a module whose pages are not built yet is not offered).</summary>
    public IReadOnlyList<SchoolModule> Modules { get; } = [.. all.Select(feature => feature.Module).OfType<SchoolModule>().Distinct().Order()];
}

/// <summary>Who is reading the dashboard, for the child open in their session if they are a parent.</summary>
public sealed record DashboardReader(HttpContext Http, SignedInUser User, Guid SchoolId, Pupil? Child)
{
    public IServiceProvider Services => Http.RequestServices;

    public CancellationToken Aborted => Http.RequestAborted;

    public bool IsParentWithChild(out Pupil child)
    {
        child = Child!;
        return User.Role == Role.Parent && Child is not null;
    }
}

/// <summary>
/// A card on the dashboard: a component and the data it shows (components receive data; they do not fetch it).
/// <see cref="Position"/> orders the cards of all features: what asks for action (an invoice to pay) comes first.
/// </summary>
public sealed record DashboardCard(int Position, Type Component, IReadOnlyDictionary<string, object?> Parameters)
{
    public static DashboardCard Of<TComponent>(int position, object parameters) where TComponent : Microsoft.AspNetCore.Components.IComponent =>
        new(position, typeof(TComponent), parameters.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(parameters)));
}