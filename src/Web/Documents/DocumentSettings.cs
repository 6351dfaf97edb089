namespace ItSchool.Web.Documents;

/// <summary>The <c>ItSchool:Documents</c> section: how large a document may be, and how soon a reminder may follow the last.</summary>
public sealed class DocumentSettings
{
    public const string Section = "ItSchool:Documents";

    public long MaxBytes { get; set; } = 20L * 1024 * 1024;

    public TimeSpan ReminderWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The limit in whole megabytes, as the form and the refusal say it.</summary>
    public long MaxMegabytes => Math.Max(1, MaxBytes / (1024 * 1024));
}