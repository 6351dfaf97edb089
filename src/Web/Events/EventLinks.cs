using ItSchool.Events;
using ItSchool.Meetings;
using ItSchool.Orders;
using ItSchool.Schools;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Events;

/// <summary>A page an event may open, as the manager's form offers it.</summary>
public sealed record EventLinkChoice(EventLink Link, string Label)
{
    /// <summary>The form's value: the code, and its argument after a colon.</summary>
    public string Value => Link.Argument is null ? Link.Code : $"{Link.Code}:{Link.Argument}";

    public static EventLink? Parse(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : value.IndexOf(':') is var colon and > 0 ? new EventLink(value[..colon], value[(colon + 1)..])
        : new EventLink(value);
}

/// <summary>
/// The pages of the school an event can open: those of the modules the school has on (and, for meetings, its
/// evenings). A link whose page is gone since (module off, evening deleted) is simply not shown.
/// </summary>
public sealed class EventLinks(IGrainFactory grains, MeetingEvenings evenings, OrderFormAdmin orders, IStringLocalizer<EventText> T)
{
    /// <summary>An order form's page (its argument the form's id); the code lives here while the events' contract has no constant for it.</summary>
    public const string Order = "order";

    public async Task<IReadOnlyList<EventLinkChoice>> OfferedAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        var enabled = await grains.GetGrain<ISchoolGrain>(schoolId).GetEnabledModulesAsync();
        var choices = new List<EventLinkChoice>();
        if (enabled.Contains(SchoolModule.Meetings))
        {
            foreach (var evening in await evenings.ListAsync(schoolId, cancellationToken))
            {
                choices.Add(new(new EventLink(EventLink.Meeting, evening.Id.ToString()),
                    T["Link.Meeting", evening.Name, string.Join(", ", evening.Days.Select(SchoolTime.Date))]));
            }
        }
        if (enabled.Contains(SchoolModule.Meals))
        {
            choices.Add(new(new EventLink(EventLink.Meals), T["Link.Meals"]));
        }
        if (enabled.Contains(SchoolModule.Orders))
        {
            foreach (var form in await orders.ListAsync(schoolId, cancellationToken))
            {
                choices.Add(new(new EventLink(Order, form.Id.ToString()),
                    T["Link.Order", form.Title, SchoolTime.Date(form.OpensOn), SchoolTime.Date(form.ClosesOn)]));
            }
        }
        if (enabled.Contains(SchoolModule.Invoices))
        {
            choices.Add(new(new EventLink(EventLink.Invoices), T["Link.Invoices"]));
        }
        return choices;
    }

    /// <summary>Where a parent goes from the event (relative to the school's address), or null when the page is gone.</summary>
    public static string? Href(EventLink? link, IReadOnlyList<EventLinkChoice> offered) =>
        link is null || !offered.Any(choice => choice.Link == link) ? null : link.Code switch
        {
            EventLink.Meeting => "reunions",
            EventLink.Meals => "repas",
            EventLink.Invoices => "finances/factures",
            Order => $"commandes/{link.Argument}",
            _ => null,
        };
}