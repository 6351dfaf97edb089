using System.Globalization;
using ItSchool.Accounts;
using ItSchool.Documents;
using ItSchool.Schools;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using static ItSchool.Web.Documents.SchoolDocumentPages;

namespace ItSchool.Web.Documents;

/// <summary>
/// Receiving the upload form as it streams: the multipart sections are read one after the other, the fields kept
/// (they are small), the file written to the database a chunk at a time by <see cref="DocumentUpload"/>. The form is
/// then checked as a whole (title, date, recipients of this school only); anything wrong rolls the transaction back,
/// so a refused document leaves no trace. The page posts it with htmx, whose header carries the antiforgery token:
/// the school group's check then never reads (and buffers) the form. Without script the browser posts the token as a
/// field, the check reads the form first, and the file comes from that buffered form instead, through the same path.
/// </summary>
public static class DocumentUploads
{
    const int MaxFieldChars = 4_000;
    // Room for the fields and the multipart framing beyond the file itself.
    const long FormOverheadBytes = 1024 * 1024;

    /// <returns>The form as typed (with the problem when refused), and the number of pupils it went to when sent.</returns>
    public static async Task<(UploadFormModel Form, int? SentTo)> ReceiveAsync(HttpContext context, SchoolDocumentServices services)
    {
        var settings = services.Settings.Value;
        var T = services.T;
        var fields = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = settings.MaxBytes + FormOverheadBytes;
        }
        await using var upload = await DocumentUpload.BeginAsync(services.Db, services.Clock.GetUtcNow(), context.RequestAborted);
        UploadProblem? fileProblem = UploadProblem.NoFile;
        try
        {
            if (context.Request.ContentLength > settings.MaxBytes + FormOverheadBytes)
            {
                fileProblem = UploadProblem.TooLarge;
            }
            else if (context.Features.Get<IFormFeature>()?.Form is { } buffered)
            {
                foreach (var (name, values) in buffered)
                {
                    fields[name] = [.. values.Select(v => v ?? "")];
                }
                if (buffered.Files.GetFile("File") is { } file)
                {
                    await using var content = file.OpenReadStream();
                    fileProblem = await upload.WriteFileAsync(content, file.FileName, settings.MaxBytes, context.RequestAborted);
                }
            }
            else if (MultipartBoundary(context.Request.ContentType) is { } boundary)
            {
                var reader = new MultipartReader(boundary, context.Request.Body);
                while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
                {
                    if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value is not { } name)
                    {
                        continue;
                    }
                    if (disposition.IsFileDisposition())
                    {
                        if (name == "File" && upload.FileName is null)
                        {
                            var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : disposition.FileName.Value;
                            fileProblem = await upload.WriteFileAsync(section.Body, fileName, settings.MaxBytes, context.RequestAborted);
                        }
                    }
                    else if (await FieldAsync(section.Body) is { } value)
                    {
                        (fields.TryGetValue(name, out var values) ? values : fields[name] = []).Add(value);
                    }
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            fileProblem = UploadProblem.TooLarge;
        }

        var form = new UploadFormModel(First(fields, "Title").Trim(), First(fields, "Date").Trim(), First(fields, "Audience"), First(fields, "ClassName"),
            [.. fields.GetValueOrDefault("Pupils", []).Select(p => Guid.TryParse(p, out var id) ? id : Guid.Empty)], null);
        var schoolId = context.School()!.Id;
        var (draft, problem) = await DraftAsync(services, schoolId, form);
        problem ??= fileProblem switch
        {
            null => null,
            UploadProblem.TooLarge => T["Problem.TooLarge", settings.MaxMegabytes].Value,
            UploadProblem.WrongType => T["Problem.WrongType", string.Join(", ", DocumentKinds.Extensions)].Value,
            _ => T["Problem.NoFile"].Value,
        };
        if (problem is not null || draft is null)
        {
            return (form with { Problem = problem }, null);
        }
        var user = SignedInUser.From(context.User)!;
        await upload.CommitAsync(schoolId, draft, user.DisplayName, services.Clock.GetUtcNow(), context.RequestAborted);
        return (form, draft.PupilIds.Count);
    }

    /// <summary>The form's recipients resolved to this school's pupils, or the first thing wrong with it.</summary>
    static async Task<(DocumentDraft? Draft, string? Problem)> DraftAsync(SchoolDocumentServices services, Guid schoolId, UploadFormModel form)
    {
        var T = services.T;
        if (form.Title.Length is 0 or > 120)
        {
            return (null, T["Problem.Title"]);
        }
        if (!DateOnly.TryParseExact(form.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return (null, T["Problem.Date"]);
        }
        switch (form.Audience)
        {
            case "pupils":
                var wanted = form.PupilIds.Distinct().ToList();
                if (wanted.Count == 0)
                {
                    return (null, T["Problem.NoPupil"]);
                }
                var found = await services.Store.PupilsOfSchoolAsync(schoolId, wanted);
                return found.Count != wanted.Count
                    ? (null, T["Problem.UnknownPupil"])
                    : (new DocumentDraft(form.Title, date, DocumentAudience.Pupils, null, found), null);
            case "class":
                var inClass = form.ClassName.Length == 0 ? [] : await services.Store.PupilsOfClassAsync(schoolId, form.ClassName);
                return inClass.Count == 0
                    ? (null, T["Problem.NoClass"])
                    : (new DocumentDraft(form.Title, date, DocumentAudience.Class, form.ClassName, inClass), null);
            case "school":
                var all = await services.Store.PupilsOfWholeSchoolAsync(schoolId);
                return all.Count == 0
                    ? (null, T["Problem.EmptySchool"])
                    : (new DocumentDraft(form.Title, date, DocumentAudience.School, null, all), null);
            default:
                return (null, T["Problem.Audience"]);
        }
    }

    static string First(Dictionary<string, List<string>> fields, string name) =>
        fields.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : "";

    static string? MultipartBoundary(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            && HeaderUtilities.RemoveQuotes(type.Boundary).Value is { Length: > 0 } boundary
            ? boundary
            : null;

    /// <summary>A field's text, at most <see cref="MaxFieldChars"/> characters (the rest of an oversized field is skipped).</summary>
    static async Task<string?> FieldAsync(Stream body)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[MaxFieldChars];
        var read = await reader.ReadBlockAsync(buffer);
        return new string(buffer, 0, read);
    }
}