namespace ItSchool.Web.Work;

/// <summary>Marker for the work items' texts in <c>Resources/Work/WorkText.resx</c> (French, the default).</summary>
public sealed class WorkText;