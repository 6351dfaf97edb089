using System.Globalization;
using ItSchool.Schools;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace ItSchool.Web.Live;

/// <summary>
/// Renders the same Razor components the pages use, outside any request, for pushes over SignalR: one
/// fragment, one component, whether it arrives by page load, htmx or a live push.
/// </summary>
/// <remarks>
/// A renderer per fragment: a renderer keeps every root component it rendered until it is disposed (it has no way to
/// let one go), so one kept for the node's life grew by each push's component tree — 19–30 KiB a write at 10,000
/// watching dashboards (the `live` bench), about 1.5 KiB once each renders on its own.
/// </remarks>
public sealed class FragmentRenderer(IServiceProvider services, ILoggerFactory loggers)
{
    /// <summary>The pages' culture, until a person can choose theirs: a live connection renders in the one it was opened with.</summary>
    public static readonly CultureInfo DefaultCulture = SchoolTime.Culture;

    public async Task<string> RenderAsync<TComponent>(CultureInfo culture, IDictionary<string, object?> parameters) where TComponent : IComponent
    {
        await using var renderer = new HtmlRenderer(services, loggers);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
            var output = await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters));
            return output.ToHtmlString();
        });
    }
}