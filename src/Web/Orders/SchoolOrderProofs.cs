using System.IO.Compression;
using ItSchool.Accounts;
using ItSchool.Documents;
using ItSchool.Orders;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;
using static ItSchool.Web.Orders.SchoolOrderPages;

namespace ItSchool.Web.Orders;

/// <summary>
/// A photo order's proofs: per pupil, the photographer's JPEG or PNG pictures (recognised by their first bytes, at most
/// <see cref="OrderFormAdmin.MaxProofBytes"/> each), several at once; or the photographer's ZIP, whose pictures are
/// named after the pupil's matricule ("12345.jpg", "12345_2.jpg"…). Anything wrong refuses the whole upload, with
/// what was wrong by name: nothing is stored.
/// </summary>
public static class SchoolOrderProofs
{
    public const long MaxFormBytes = 40L * 1024 * 1024;
    public const long MaxZipBytes = 200L * 1024 * 1024;
    // What a form post adds to its files (boundaries, headers, the token): the browser's check leaves room for it.
    public const long FormOverheadBytes = 64 * 1024;
    const int MaxZipEntries = 2000;

    public static void MapSchoolOrderProofs(this RouteGroupBuilder admin)
    {
        admin.MapGet("/{id:guid}/photos", async (Guid id, HttpContext context, [AsParameters] SchoolOrderServices services) =>
            await PageAsync(context, services, id, null));

        admin.MapPost("/{id:guid}/photos", async (Guid id, HttpContext context, [AsParameters] SchoolOrderServices services) =>
        {
            var schoolId = context.School()!.Id;
            if (await services.Admin.FindAsync(schoolId, id, context.RequestAborted) is not { Kind: OrderKind.Photos } form)
            {
                return Results.NotFound();
            }
            var posted = await context.Request.ReadFormAsync(context.RequestAborted);
            var pupils = await services.Admin.PupilsAsync(form, context.RequestAborted);
            if (!Guid.TryParse(posted["Pupil"], out var pupilId) || pupils.All(p => p.Id != pupilId))
            {
                return Results.NotFound();
            }
            var files = posted.Files.GetFiles("File");
            if (files.Count == 0)
            {
                return await PageAsync(context, services, id, services.T["Problem.NoProof"]);
            }
            var proofs = new List<ProofUpload>();
            foreach (var file in files)
            {
                var name = DocumentKinds.CleanName(file.FileName);
                await using var content = file.OpenReadStream();
                var (proof, problem) = await ReadAsync(content, file.Length, name, pupilId, services);
                if (problem is not null)
                {
                    return await PageAsync(context, services, id, problem);
                }
                proofs.Add(proof!);
            }
            return await StoreAsync(context, services, id, proofs);
        }).WithMetadata(new RequestSizeLimitAttribute(MaxFormBytes));

        admin.MapPost("/{id:guid}/photos/zip", async (Guid id, HttpContext context, [AsParameters] SchoolOrderServices services) =>
        {
            var schoolId = context.School()!.Id;
            if (await services.Admin.FindAsync(schoolId, id, context.RequestAborted) is not { Kind: OrderKind.Photos } form)
            {
                return Results.NotFound();
            }
            var posted = await context.Request.ReadFormAsync(context.RequestAborted);
            if (posted.Files.GetFile("Zip") is not { } zip)
            {
                return await PageAsync(context, services, id, services.T["Problem.NoProof"]);
            }
            var byReference = (await services.Admin.PupilsAsync(form, context.RequestAborted))
                .Where(p => !string.IsNullOrWhiteSpace(p.Reference))
                .ToDictionary(p => p.Reference!.Trim(), p => p.Id, StringComparer.OrdinalIgnoreCase);
            var proofs = new List<ProofUpload>();
            try
            {
                await using var stream = zip.OpenReadStream();
                using var archive = new ZipArchive(stream, ZipArchiveMode.Read);
                var entries = archive.Entries.Where(e => e.Length > 0 && !e.FullName.EndsWith('/')).ToList();
                if (entries.Count is 0 or > MaxZipEntries)
                {
                    return await PageAsync(context, services, id, services.T["Problem.NoProof"]);
                }
                foreach (var entry in entries)
                {
                    var name = DocumentKinds.CleanName(entry.Name);
                    var reference = Path.GetFileNameWithoutExtension(name).Split('_', '-', ' ')[0];
                    if (!byReference.TryGetValue(reference, out var pupilId))
                    {
                        return await PageAsync(context, services, id, services.T["Problem.ZipUnknownPupil", name]);
                    }
                    await using var content = entry.Open();
                    var (proof, problem) = await ReadAsync(content, entry.Length, name, pupilId, services);
                    if (problem is not null)
                    {
                        return await PageAsync(context, services, id, problem);
                    }
                    proofs.Add(proof!);
                }
            }
            catch (InvalidDataException)
            {
                return await PageAsync(context, services, id, services.T["Problem.NotZip"]);
            }
            return await StoreAsync(context, services, id, proofs);
        }).WithMetadata(new RequestSizeLimitAttribute(MaxZipBytes));

        admin.MapGet("/{id:guid}/photos/{proofId:guid}", async (Guid id, Guid proofId, HttpContext context, OrderFormAdmin orders) =>
            await orders.ProofAsync(context.School()!.Id, id, proofId, context.RequestAborted) is { } proof
                ? Picture(context, proof)
                : Results.NotFound());

        admin.MapPost("/{id:guid}/photos/{proofId:guid}/supprimer", async (Guid id, Guid proofId, HttpContext context, OrderFormAdmin orders) =>
            await orders.DeleteProofAsync(context.School()!.Id, id, proofId, context.RequestAborted)
                ? Flash.Redirect(context, $"{Root}/{id}/photos", "proof-deleted")
                : Results.NotFound());
    }

    /// <summary>A proof as a picture in the page: its proven type, never sniffed, never cached beyond this browser.</summary>
    public static IResult Picture(HttpContext context, ProofFile proof)
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "private, max-age=300";
        return Results.File(proof.Data, proof.ContentType);
    }

    static async Task<(ProofUpload? Proof, string? Problem)> ReadAsync(Stream content, long length, string name, Guid pupilId,
        SchoolOrderServices services)
    {
        var T = services.T;
        if (length > OrderFormAdmin.MaxProofBytes)
        {
            return (null, T["Problem.ProofTooLarge", name, OrderFormAdmin.MaxProofBytes / (1024 * 1024)]);
        }
        using var buffer = new MemoryStream();
        // The declared length is the sender's word: read one byte past the limit at most.
        var read = new byte[81920];
        int n;
        while ((n = await content.ReadAsync(read)) > 0)
        {
            buffer.Write(read, 0, n);
            if (buffer.Length > OrderFormAdmin.MaxProofBytes)
            {
                return (null, T["Problem.ProofTooLarge", name, OrderFormAdmin.MaxProofBytes / (1024 * 1024)]);
            }
        }
        var data = buffer.ToArray();
        var head = data.AsSpan(0, Math.Min(data.Length, DocumentKinds.SniffBytes));
        return name.Length == 0 || OrderFormAdmin.SniffProof(head, name) is not { } type
            ? (null, T["Problem.ProofType", name])
            : (new ProofUpload(pupilId, name, type, data), null);
    }

    static async Task<IResult> StoreAsync(HttpContext context, SchoolOrderServices services, Guid formId, IReadOnlyList<ProofUpload> proofs)
    {
        var user = SignedInUser.From(context.User)!;
        return await services.Admin.AddProofsAsync(context.School()!.Id, formId, proofs, user.DisplayName, services.Clock.GetUtcNow(), context.RequestAborted)
            ? Flash.Redirect(context, $"{Root}/{formId}/photos", "proofs", proofs.Count)
            : Results.NotFound();
    }

    static async Task<IResult> PageAsync(HttpContext context, SchoolOrderServices services, Guid formId, string? problem)
    {
        var schoolId = context.School()!.Id;
        if (await services.Admin.FindAsync(schoolId, formId, context.RequestAborted) is not { Kind: OrderKind.Photos } form)
        {
            return Results.NotFound();
        }
        return new RazorComponentResult<SchoolOrderProofsPage>(new
        {
            Form = form,
            Pupils = await services.Admin.PupilsAsync(form, context.RequestAborted),
            Proofs = await services.Admin.ProofsAsync(schoolId, formId, context.RequestAborted),
            Problem = problem,
        });
    }
}