using System.Security.Cryptography;
using System.Text;
using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Json;
using Microsoft.AspNetCore.Http;

namespace AgentMail.Api.Sending;

/// <summary>
/// Reads a send or draft request, as JSON (files Base64-encoded in <c>attachments</c>) or as
/// <c>multipart/form-data</c> (a <c>message</c> field with the JSON, and one part per file — the
/// Nylas SDKs switch to it above 3 MB). The digest covers the request as parsed, not its bytes:
/// a multipart retry has a new boundary but is the same request.
/// </summary>
public static class OutgoingReader
{
    public static async Task<OutgoingInput> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            if (!request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
                throw ApiException.UnsupportedMediaType("A form request must be multipart/form-data, with the message JSON in a 'message' field.");
            return await ReadMultipartAsync(request, cancellationToken);
        }
        if (!JsonBody.IsJson(request.ContentType))
            throw ApiException.UnsupportedMediaType($"The request body must be JSON or multipart/form-data, not '{request.ContentType}'.");

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var body = bytes.Length == 0 ? new OutgoingRequest() : JsonBody.Parse(bytes.Span, ApiJson.Default.OutgoingRequest);
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        digest.AppendData("json\n"u8);
        digest.AppendData(bytes.Span);
        return new OutgoingInput(body, DecodeAttachments(body), digest.GetHashAndReset());
    }

    private static async Task<OutgoingInput> ReadMultipartAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (IOException e) when (e is not BadHttpRequestException && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // (BadHttpRequestException, an IOException too, is Kestrel's own answer — a body over the limit is 413 — and passes.)
            // The body ended before the first or the closing boundary (the form reader's own words
            // blame "another component"): the client's request, not the server, is broken.
            throw ApiException.BadRequest("The multipart body is malformed: it ends before its boundary delimiters do.");
        }
        // Nylas's SDKs name the JSON field "message" (for drafts too); its OpenAPI says "draft" for drafts.
        var message = form["message"].Count > 0 ? form["message"] : form["draft"];
        if (message.Count != 1 || string.IsNullOrEmpty(message[0]))
            throw ApiException.BadRequest("A multipart request needs one 'message' field holding the message JSON.");
        var body = JsonBody.Parse(Encoding.UTF8.GetBytes(message[0]!), ApiJson.Default.OutgoingRequest, "'message'");
        if (body.Attachments is { Count: > 0 })
            throw ApiException.BadRequest("In a multipart request files are parts of the form, not 'attachments' in the message JSON.");

        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        digest.AppendData("multipart\n"u8);
        digest.AppendData(Encoding.UTF8.GetBytes(message[0]!));
        var files = new List<OutgoingFile>(form.Files.Count);
        foreach (var part in form.Files)
        {
            var content = new byte[part.Length];
            await using (var stream = part.OpenReadStream())
                await stream.ReadExactlyAsync(content, cancellationToken);
            // The Nylas SDK names a file's part after its content id, or "file<n>" when it has none.
            var contentId = IsGeneratedName(part.Name) ? null : part.Name;
            var inline = contentId is not null && (body.Body?.Contains("cid:" + contentId, StringComparison.Ordinal) ?? false);
            var file = new OutgoingFile(string.IsNullOrEmpty(part.FileName) ? null : part.FileName,
                string.IsNullOrEmpty(part.ContentType) ? "application/octet-stream" : part.ContentType, content, contentId, inline);
            files.Add(file);
            digest.AppendData(Encoding.UTF8.GetBytes($"\n{part.Name}\n{file.Filename}\n{file.ContentType}\n"));
            digest.AppendData(SHA256.HashData(content));
        }
        return new OutgoingInput(body, files, digest.GetHashAndReset());
    }

    private static bool IsGeneratedName(string name) =>
        name.StartsWith("file", StringComparison.Ordinal) && name.Length > 4 && name.AsSpan(4).IndexOfAnyExceptInRange('0', '9') < 0
        || name is "attachment" or "file";

    private static List<OutgoingFile> DecodeAttachments(OutgoingRequest body)
    {
        var files = new List<OutgoingFile>();
        for (var i = 0; i < (body.Attachments?.Count ?? 0); i++)
        {
            var attachment = body.Attachments![i] ?? throw ApiException.BadRequest($"'attachments[{i}]' must be an object.");
            if (string.IsNullOrEmpty(attachment.Content))
                throw ApiException.BadRequest($"'attachments[{i}].content' is required: the file's bytes, Base64-encoded.");
            byte[] content;
            try
            {
                content = Convert.FromBase64String(attachment.Content);
            }
            catch (FormatException)
            {
                throw ApiException.BadRequest($"'attachments[{i}].content' is not valid Base64.");
            }
            var inline = attachment.IsInline
                ?? (attachment.ContentDisposition?.TrimStart().StartsWith("inline", StringComparison.OrdinalIgnoreCase) == true
                    || (attachment.ContentId is { Length: > 0 } cid && (body.Body?.Contains("cid:" + cid.Trim('<', '>'), StringComparison.Ordinal) ?? false)));
            files.Add(new OutgoingFile(attachment.Filename, string.IsNullOrWhiteSpace(attachment.ContentType) ? "application/octet-stream" : attachment.ContentType,
                content, string.IsNullOrEmpty(attachment.ContentId) ? null : attachment.ContentId, inline));
        }
        return files;
    }
}
