using ItSchool.Accounts;

namespace ItSchool.Web.Shell;

/// <summary>
/// A line of the left menu, declared by its feature (<see cref="Feature.Menu"/>) and shown to the roles it names
/// where the feature's module is on. <see cref="Position"/> orders the lines of all features: the parents' pages
/// first, then the school's, as people look for them.
/// </summary>
public sealed record MenuEntry(string TextKey, string Href, int Position, IReadOnlySet<Role> Roles)
{
    public static MenuEntry For(string textKey, string href, int position, params Role[] roles) => new(textKey, href, position, roles.ToHashSet());

    public static readonly MenuEntry Dashboard = new("Menu.Dashboard", "tableau-de-bord", 0, Enum.GetValues<Role>().ToHashSet());
}