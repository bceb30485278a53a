using System.Text.RegularExpressions;
using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Grants;
using AgentMail.Api.Infrastructure.Json;
using AgentMail.Api.Infrastructure.Query;
using AgentMail.Api.Infrastructure.Responses;
using AgentMail.Api.Messages;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Objects;
using AgentMail.Mime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace AgentMail.Api.Attachments;

/// <summary>
/// <c>/v3/grants/{grant_id}/attachments/{attachment_id}?message_id=</c>: an attachment's metadata,
/// and <c>/download</c> streaming its decoded bytes from the message's blob.
/// </summary>
public static partial class AttachmentEndpoints
{
    public static RouteGroupBuilder MapAttachmentEndpoints(this RouteGroupBuilder grant)
    {
        var attachments = grant.MapGroup("/attachments").WithTags("Attachments");
        attachments.MapGet("/{attachment_id}", GetAsync)
            .WithSummary("Get an attachment's metadata")
            .WithDescription("message_id (required) names the message; the attachment id is its MIME part number.")
            .Produces<DataEnvelope<AttachmentObject>>();
        attachments.MapGet("/{attachment_id}/download", DownloadAsync)
            .WithSummary("Download an attachment's decoded bytes")
            .WithDescription("Streams the file with its Content-Type and a Content-Disposition carrying its file name.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");
        return grant;
    }

    private static async Task<IResult> GetAsync(GrantScope grant, string attachment_id, HttpRequest request, MessageReader reader, CancellationToken cancellationToken)
    {
        var (_, attachment) = await FindAsync(grant, attachment_id, request, reader, cancellationToken);
        return ApiResults.Data(attachment, ApiJson.Default.AttachmentObject);
    }

    private static async Task DownloadAsync(GrantScope grant, string attachment_id, HttpContext context, MessageReader reader, BlobReader blobs,
        CancellationToken cancellationToken)
    {
        var (message, attachment) = await FindAsync(grant, attachment_id, context.Request, reader, cancellationToken);
        var rendered = await blobs.ReadRenderedAsync(message.BlobSha256, cancellationToken) ?? throw NotFound(attachment_id);
        var part = MessageStructure.FromBytes(rendered.Structure).FindPart(attachment.Id) ?? throw NotFound(attachment_id);

        var response = context.Response;
        response.ContentType = ContentTypeOf(part);
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(string.IsNullOrWhiteSpace(attachment.Filename) ? $"attachment-{attachment.Id}" : attachment.Filename);
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "private, no-store";
        if (part.Kind == MimePartKind.Leaf)
            response.ContentLength = part.DecodedSize;

        // Headers go out before the first byte; a failure after that can only abort the connection.
        await response.StartAsync(cancellationToken);
        var decoding = new DecodingWriteStream(response.BodyWriter, part.TransferEncoding);
        await blobs.CopyRangeAsync(message.BlobSha256, part.BodyOffset, part.Size, decoding, cancellationToken);
        await decoding.FinishAsync(cancellationToken);
    }

    private static async Task<(MessageRecord Message, AttachmentObject Attachment)> FindAsync(GrantScope grant, string attachmentId, HttpRequest request,
        MessageReader reader, CancellationToken cancellationToken)
    {
        var messageId = new QueryParameters(request.Query).String("message_id", 64)
            ?? throw ApiException.BadRequest("'message_id' is required: the id of the message the attachment belongs to.");
        var message = Guid.TryParse(messageId, out var id) ? (await reader.GetAsync(grant.Id, id, withContent: false, cancellationToken))?.Record : null;
        if (message is null)
            throw ApiException.NotFound($"Message '{(messageId.Length <= 80 ? messageId : messageId[..80])}' not found.");
        var attachment = message.ToObject().Attachments.FirstOrDefault(a => a.Id == attachmentId) ?? throw NotFound(attachmentId);
        return (message, attachment);
    }

    /// <summary>The part's type (with its charset for text), or octet-stream when the sender wrote something unusable.</summary>
    private static string ContentTypeOf(MimePart part)
    {
        var type = part.ContentType.MimeType;
        if (!MediaType().IsMatch(type))
            return "application/octet-stream";
        return part.ContentType.IsText && part.ContentType.Charset is { } charset && Token().IsMatch(charset) ? $"{type}; charset={charset}" : type;
    }

    private static ApiException NotFound(string id) => ApiException.NotFound($"Attachment '{(id.Length <= 80 ? id : id[..80] + "…")}' not found on that message.");

    [GeneratedRegex(@"^[a-z0-9!#$&^_.+-]{1,64}/[a-z0-9!#$&^_.+-]{1,64}$")]
    private static partial Regex MediaType();

    [GeneratedRegex(@"^[A-Za-z0-9!#$&^_.+-]{1,64}$")]
    private static partial Regex Token();
}
