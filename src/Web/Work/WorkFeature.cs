using ItSchool.Accounts;
using ItSchool.Web.Live;
using ItSchool.Web.Shell;
using ItSchool.Work;

namespace ItSchool.Web.Work;

/// <summary>
/// Long work outside the request that asked for it (see <see cref="BackgroundWork"/>): the queue, the job every node
/// runs, and the managers' progress page. The kinds of work are their features' (<see cref="IWorkKind"/>).
/// </summary>
public sealed class WorkFeature : Feature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<WorkItems>();
        builder.Services.AddSingleton<BackgroundWork>();
        builder.Services.AddHostedService(services => services.GetRequiredService<BackgroundWork>());
        builder.AddLiveTopic<WorkLiveTopic>();
    }

    public override void MapInSchool(RouteGroupBuilder school) =>
        school.MapGroup("/gestion").RequireAuthorization(nameof(Role.Manager)).MapWorkPages();
}