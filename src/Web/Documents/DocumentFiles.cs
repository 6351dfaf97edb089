using ItSchool.Documents;
using Microsoft.Net.Http.Headers;

namespace ItSchool.Web.Documents;

/// <summary>
/// A document's download: always an attachment (never shown inside the school's pages, where a hostile file could act
/// as the site), with the type its content was recognised as and no sniffing by the browser, streamed from the
/// database a chunk at a time (memory stays flat whatever the file's size).
/// </summary>
public sealed class DocumentFiles(StoredDocument document) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = document.ContentType;
        response.ContentLength = document.SizeBytes;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "private, no-store";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(document.FileName);
        response.Headers.ContentDisposition = disposition.ToString();
        await context.RequestServices.GetRequiredService<DocumentStore>().CopyContentAsync(document.Id, response.Body, context.RequestAborted);
    }
}