using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Meals;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Meals;

public sealed class MealReminderSilenceTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task No_reminder_goes_with_the_module_off_nor_for_a_week_without_menus()
    {
        var today = SchoolTime.Today(web.Clock);
        var inTwoWeeks = today.AddDays(14 - ((int)today.DayOfWeek + 6) % 7);
        var inThreeWeeks = inTwoWeeks.AddDays(7);
        var menus = web.Services.GetRequiredService<MealMenus>();
        for (var day = inThreeWeeks; day < inThreeWeeks.AddDays(5); day = day.AddDays(1))
        {
            Assert.Null(await menus.SetDayAsync(DemoSchool.Id, day, []));
        }
        var job = web.Services.GetRequiredService<MealReminderJob>();
        var school = web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id);

        await school.DisableModuleAsync(SchoolModule.Meals);
        web.Clock.Advance(SchoolTime.Moment(inTwoWeeks, new TimeOnly(9, 0)) - TimeSpan.FromHours(2) - web.Clock.GetUtcNow());
        Assert.Equal(0, await job.RunOnceAsync());
        Assert.Equal(0, await SentAsync(inTwoWeeks));

        // Module back on, the week after has no menu: its Monday's cut-off window passes in silence.
        await school.EnableModuleAsync(SchoolModule.Meals);
        web.Clock.Advance(SchoolTime.Moment(inThreeWeeks, new TimeOnly(9, 0)) - TimeSpan.FromHours(2) - web.Clock.GetUtcNow());
        Assert.Equal(0, await job.RunOnceAsync());
        Assert.Equal(0, await SentAsync(inThreeWeeks));
        Assert.Null(await web.Services.GetRequiredService<MealReminders>().WeekDueAsync(DemoSchool.Id, MealRules.Default, web.Clock.GetUtcNow()));
    }

    async Task<long> SentAsync(DateOnly week)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand("SELECT count(*) FROM meal_reminders_sent WHERE week = @week");
        command.Parameters.AddWithValue("week", week);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}