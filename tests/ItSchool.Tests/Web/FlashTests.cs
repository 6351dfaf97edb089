using ItSchool.Web.Shell;

namespace ItSchool.Tests.Web;

/// <summary>Where a change's notice goes in the address it redirects to.</summary>
public sealed class FlashTests
{
    [Theory]
    [InlineData("absences", "saved", null, "absences?ok=saved")]
    [InlineData("gestion/absences?Class=4B", "saved", 3, "gestion/absences?Class=4B&ok=saved&n=3")]
    [InlineData("manuels/liste#reponses", "marked", null, "manuels/liste?ok=marked#reponses")]
    [InlineData("manuels/liste?Pupil=1#reponses", "marked", 2, "manuels/liste?Pupil=1&ok=marked&n=2#reponses")]
    public void The_notice_goes_in_the_query_before_any_fragment(string page, string code, int? n, string expected) =>
        Assert.Equal(expected, Flash.Address(page, code, n));
}