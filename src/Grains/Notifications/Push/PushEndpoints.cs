using System.Net;
using System.Net.Sockets;

namespace ItSchool.Notifications.Push;

/// <summary>
/// Which push endpoints the server will call. A subscription's endpoint comes from the user's browser, so it is an
/// address the user chose: taken as it is, it would let anyone make the server post to the hosts of its own network.
/// Only https to a public address is called, checked when the device is added and again on every connection (a name
/// can resolve elsewhere later); <see cref="PushSettings.AllowLocalEndpoints"/> lifts both checks for the tests' own
/// push service.
/// </summary>
public static class PushEndpoints
{
    public const int MaxLength = 2048;

    public static bool IsAcceptable(string? endpoint, bool allowLocal)
    {
        if (string.IsNullOrWhiteSpace(endpoint) || endpoint.Length > MaxLength
            || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return false;
        }
        if (allowLocal)
        {
            return uri.Scheme is "https" or "http";
        }
        return uri.Scheme == Uri.UriSchemeHttps && uri.IsDefaultPort && !IsLocalName(uri.IdnHost)
            && (!IPAddress.TryParse(uri.IdnHost, out var address) || IsPublic(address));
    }

    /// <summary>Whether an address is reachable from the internet, not one of this network's own (RFC 6890's special ranges).</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224
                || (b[0] == 100 && b[1] >= 64 && b[1] < 128)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] < 32)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                || (b[0] == 198 && b[1] is 18 or 19)
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }
        var bytes = address.GetAddressBytes();
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
            || (bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8)
            || (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b));
    }

    static bool IsLocalName(string host) =>
        !host.Contains('.') || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".local", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".lan", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".home.arpa", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The connection handler the push client sends through: it resolves the name itself and connects only to a public
    /// address, so that a name pointed at an internal host after the device was added is refused all the same.
    /// </summary>
    public static SocketsHttpHandler Handler(bool allowLocal) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var reachable = allowLocal ? addresses : addresses.Where(IsPublic).ToArray();
            if (reachable.Length == 0)
            {
                throw new RefusedEndpointException(host);
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(reachable, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

/// <summary>The endpoint's host is not a public address: the device is dropped, never retried.</summary>
public sealed class RefusedEndpointException(string host) : IOException($"Push endpoint host {host} is not a public address");