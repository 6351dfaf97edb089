using ItSchool.Schools;
using ItSchool.Web.Platform;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ItSchool.Web.Schools;

/// <summary>
/// A school's absolute address where no request is at hand (a job's mails): the installation's public address, with the
/// school's own host where it has one; else (demo on a laptop, which has no public address) this node's own.
/// </summary>
public sealed class SchoolAddresses(InstallationSettings installation, IServer server)
{
    public string Of(School school)
    {
        var root = installation.PublicAddress?.GetLeftPart(UriPartial.Path).TrimEnd('/')
            ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.TrimEnd('/')
            ?? ItSchoolApp.DefaultUrl;
        return school.Host is { } host && installation.PublicAddress is { } address ? $"{address.Scheme}://{host}" : $"{root}/e/{school.Slug}";
    }
}