using ItSchool.Accounts;
using ItSchool.Operators;

namespace ItSchool.Web.Operators;

/// <summary>The platform operator: their account and session, the setup link, and the schools they run.</summary>
public static class OperatorsSetup
{
    public static void AddOperators(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PlatformOperators>();
        builder.Services.AddSingleton<OperatedSchools>();
        builder.Services.AddSingleton<SetupLink>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SetupLink>());
        builder.Services.AddAuthentication().AddOperatorSessions();
    }
}