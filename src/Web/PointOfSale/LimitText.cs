namespace ItSchool.Web.PointOfSale;

/// <summary>
/// Marker for the spending limits' texts in <c>Resources/PointOfSale/LimitText.resx</c> (French, the default): the guardians'
/// limits page and the school's ceilings; views ask <c>IStringLocalizer&lt;LimitText&gt;</c>.
/// </summary>
public sealed class LimitText;