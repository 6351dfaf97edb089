using System.Globalization;
using ItSchool.Schools;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace ItSchool.Web.Live;

/// <summary>
/// Renders the same Razor components the pages use, outside any request, for pushes over SignalR: one
/// fragment, one component, whether it arrives by page load, htmx or a live push.
/// </summary>
public sealed class FragmentRenderer(IServiceProvider services, ILoggerFactory loggers) : IAsyncDisposable
{
    /// <summary>The pages' culture, until a person can choose theirs: a live connection renders in the one it was opened with.</summary>
    public static readonly CultureInfo DefaultCulture = SchoolTime.Culture;

    readonly HtmlRenderer renderer = new(services, loggers);

    public Task<string> RenderAsync<TComponent>(CultureInfo culture, IDictionary<string, object?> parameters) where TComponent : IComponent =>
        renderer.Dispatcher.InvokeAsync(async () =>
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
            var output = await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters));
            return output.ToHtmlString();
        });

    public ValueTask DisposeAsync() => renderer.DisposeAsync();
}