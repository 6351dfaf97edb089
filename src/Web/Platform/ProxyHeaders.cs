using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace ItSchool.Web.Platform;

/// <summary>
/// Behind a TLS-terminating proxy, a request keeps its real scheme, host and client address, but only when
/// it comes from a proxy the installation names: <c>ItSchool:Proxies:KnownProxies</c> (addresses) and
/// <c>ItSchool:Proxies:KnownNetworks</c> (CIDR ranges), comma-separated or as arrays. None is trusted by
/// default, not even loopback: anyone can send X-Forwarded-For, and the rate limits partition by address.
/// </summary>
public static class ProxyHeaders
{
    public const string Section = "ItSchool:Proxies";

    public static void UseProxyHeaders(this WebApplication app)
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // The obsolete list is still consulted and holds 127.0.0.0/8 by default.
        options.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
        foreach (var proxy in Entries(app.Configuration, "KnownProxies"))
        {
            options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address) ? address : throw Invalid("KnownProxies", proxy, "an IP address such as 10.0.0.5"));
        }
        foreach (var network in Entries(app.Configuration, "KnownNetworks"))
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var range) ? range : throw Invalid("KnownNetworks", network, "a CIDR range such as 10.0.0.0/8"));
        }
        // With both lists empty the middleware would trust every peer: without a proxy, it is not there at all.
        if (options.KnownProxies.Count > 0 || options.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders(options);
        }
        UseHttpsOnly(app);
    }

    /// <summary>
    /// In production over https, a request that still reads as plain http (someone typed http://, or a TLS
    /// proxy that is not configured as trusted) is sent to https: secure cookies, the antiforgery one
    /// included, cannot be set over http.
    /// </summary>
    static void UseHttpsOnly(WebApplication app)
    {
        var installation = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<InstallationSettings>>().Value;
        if (!installation.HttpsOnly || installation.PublicAddress is not { } publicAddress)
        {
            return;
        }
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProxyHeaders));
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (request.IsHttps)
            {
                await next(context);
                return;
            }
            if (request.Headers.ContainsKey("X-Forwarded-Proto"))
            {
                logger.LogWarning("A request from {Peer} says X-Forwarded-Proto but that peer is not a trusted proxy: set " +
                    "ItSchool__Proxies__KnownProxies (or KnownNetworks) to the proxy's address.", context.Connection.RemoteIpAddress);
            }
            var target = new UriBuilder(Uri.UriSchemeHttps, request.Host.Host, publicAddress.Port) { Path = request.PathBase + request.Path, Query = request.QueryString.Value };
            context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            context.Response.Headers.Location = target.Uri.AbsoluteUri;
        });
    }

    static IEnumerable<string> Entries(IConfiguration configuration, string name)
    {
        var section = configuration.GetSection($"{Section}:{name}");
        return new[] { section.Value }.Concat(section.GetChildren().Select(child => child.Value))
            .SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    static InvalidOperationException Invalid(string name, string value, string expected) =>
        new($"ItSchool__Proxies__{name} must list {expected} (comma-separated), not '{value}'.");
}