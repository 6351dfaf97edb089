using ItSchool.Web;

var app = await ItSchoolApp.BuildAsync(args);
await app.RunAsync();