using System.Net;
using ItSchool.Absences;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Absences;

/// <summary>What the families' absence tests share: absences written straight into the database, the school's settings, and reading back.</summary>
public static class AbsenceRig
{
    public static NpgsqlDataSource Db(WebNode web) => web.Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>The <paramref name="count"/>th weekday before today (1: the last one).</summary>
    public static DateOnly WeekdayBefore(WebNode web, int count)
    {
        var day = SchoolTime.Today(web.Clock);
        while (count > 0)
        {
            day = day.AddDays(-1);
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                count--;
            }
        }
        return day;
    }

    public static async Task<Guid> AbsentAsync(WebNode web, Guid pupil, DateOnly day, string part = "morning")
    {
        var id = Guid.CreateVersion7();
        await using var insert = Db(web).CreateCommand("""
            INSERT INTO absences (id, school_id, pupil_id, day, part, source, recorded_by, recorded_at)
            VALUES (@id, @school, @pupil, @day, @part, 'register', 'Claire Dupont', now())
            """);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("school", DemoSchool.Id);
        insert.Parameters.AddWithValue("pupil", pupil);
        insert.Parameters.AddWithValue("day", day);
        insert.Parameters.AddWithValue("part", part);
        await insert.ExecuteNonQueryAsync();
        return id;
    }

    public static Task SettingsAsync(WebNode web, int justifyWithinDays, bool releaseAfterCutOff = false) =>
        new AbsenceSettings(justifyWithinDays, releaseAfterCutOff, true).SaveAsync(Db(web), DemoSchool.Id);

    public static async Task<long> CountAsync(WebNode web, string sql, object parameter)
    {
        await using var query = Db(web).CreateCommand(sql);
        query.Parameters.AddWithValue("p", parameter);
        return (long)(await query.ExecuteScalarAsync())!;
    }

    public static async Task<string?> ReasonAsync(WebNode web, Guid absence)
    {
        await using var query = Db(web).CreateCommand("SELECT reason_code FROM absences WHERE id = @p");
        query.Parameters.AddWithValue("p", absence);
        return await query.ExecuteScalarAsync() as string;
    }

    public static async Task<string> TextAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {response.StatusCode}");
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts the justification form as the browser does (multipart, with the page's token), perhaps with a file.</summary>
    public static async Task<HttpResponseMessage> JustifyAsync(HttpClient parent, Guid key, string reason, string comment, (string Name, byte[] Bytes)? scan,
        params Guid[] absences)
    {
        var page = await parent.GetStringAsync("/e/demo/absences/signaler");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Forms.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new StringContent(key.ToString()), "Key" },
            { new StringContent(reason), "Reason" },
            { new StringContent(comment), "Comment" },
        };
        foreach (var absence in absences)
        {
            form.Add(new StringContent(absence.ToString()), "Absence");
        }
        if (scan is var (name, bytes))
        {
            form.Add(new ByteArrayContent(bytes), "Scan", name);
        }
        return await parent.PostAsync("/e/demo/absences/justifier", form);
    }

    public static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8.ToArray();
}