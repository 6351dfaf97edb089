using ItSchool.Platform.Database;
using ItSchool.Web;

try
{
    var app = await ItSchoolApp.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (LocalPostgresUnavailableException e)
{
    // Already logged; the message says what to install or configure, a stack trace would only bury it.
    Console.Error.WriteLine($"ItSchool cannot start: {e.Message}");
    return 1;
}