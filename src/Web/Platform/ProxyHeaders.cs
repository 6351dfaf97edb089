using Microsoft.AspNetCore.HttpOverrides;

namespace ItSchool.Web.Platform;

public static class ProxyHeaders
{
    /// <summary>
    /// Behind a TLS-terminating proxy on the same machine (the only proxies trusted by default), a request
    /// keeps its real scheme and host: cookies are marked Secure, mail links say https, and the school is
    /// resolved from the host name the parent typed.
    /// </summary>
    public static void UseProxyHeaders(this WebApplication app) =>
        app.UseForwardedHeaders(new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
        });
}