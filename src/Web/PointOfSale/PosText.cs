namespace ItSchool.Web.PointOfSale;

/// <summary>
/// Marker for the point of sale's texts (till, sales journal, terminals, articles and cards) in
/// <c>Resources/PointOfSale/PosText.resx</c> (French, the default); views ask <c>IStringLocalizer&lt;PosText&gt;</c>.
/// </summary>
public sealed class PosText;