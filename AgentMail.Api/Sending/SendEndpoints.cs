using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Grants;
using AgentMail.Api.Infrastructure.Http;
using AgentMail.Api.Infrastructure.Json;
using AgentMail.Api.Infrastructure.Query;
using AgentMail.Api.Infrastructure.Responses;
using AgentMail.Mailbox.Hosting;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Objects;
using AgentMail.Mime;
using AgentMail.Mime.Summary;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace AgentMail.Api.Sending;

/// <summary>
/// <c>POST /v3/grants/{grant_id}/messages/send</c>: builds the message, stores it in Sent and queues
/// it for delivery in one transaction of the core (<see cref="MessageService.SubmitAsync"/>, the
/// same path SMTP submission takes), which fires message.created. JSON or multipart; honours
/// <c>Idempotency-Key</c>.
/// </summary>
public static class SendEndpoints
{
    public static RouteGroupBuilder MapSendEndpoints(this RouteGroupBuilder grant, long maxMessageBytes)
    {
        grant.MapPost("/messages/send", SendAsync)
            .WithTags("Messages")
            .WithSummary("Send a message")
            .WithDescription("JSON (attachments Base64-encoded) or multipart/form-data (a 'message' JSON field and one part per file). " +
                "reply_to_message_id (API id or Message-ID) threads the reply. Idempotency-Key: a retry with the same request gets the first answer " +
                "(header Idempotent-Response: true), another request with the same key a 409. fields=include_headers|include_basic_headers.")
            .Accepts<OutgoingRequest>("application/json", "multipart/form-data")
            .Produces<DataEnvelope<MessageObject>>()
            .WithBodyLimit(MaxBodyBytes(maxMessageBytes));
        return grant;
    }

    /// <summary>A message at the size limit, Base64-encoded in JSON (4/3), with room for the rest of the request.</summary>
    public static long MaxBodyBytes(long maxMessageBytes) => maxMessageBytes * 4 / 3 + 1024 * 1024;

    private static async Task<IResult> SendAsync(GrantScope grant, HttpContext context, OutgoingMessageFactory factory, MessageService messages,
        IdempotencyKeys keys, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var key = IdempotencyKeys.Read(request);
        var headers = HeaderSetOf(new QueryParameters(request.Query));
        var input = await OutgoingReader.ReadAsync(request, cancellationToken);
        if (key is not null && await keys.ClaimAsync(grant.Id, key, input.Digest, cancellationToken) is { } earlier)
        {
            context.Response.Headers[IdempotencyKeys.ReplayHeaderName] = "true";
            return ApiResults.Json(earlier.Body, earlier.StatusCode);
        }

        try
        {
            var outgoing = await factory.BuildAsync(grant, input, requireRecipients: true, cancellationToken);
            var submitted = await messages.SubmitAsync(grant.Id, outgoing.Content, grant.Email, outgoing.Recipients, input.Request.Metadata, cancellationToken);
            var body = ApiResults.DataBytes(context, SentObject(submitted.SentCopy, outgoing.Content, headers), ApiJson.Default.MessageObject,
                json => json.WriteString("grant_id"u8, grant.Id.ToString()));
            if (key is not null)
                await keys.CompleteAsync(grant.Id, key, new StoredResponse(StatusCodes.Status200OK, body), CancellationToken.None);
            return ApiResults.Json(body);
        }
        catch (Exception e) when (key is not null)
        {
            var error = ApiExceptionHandler.Map(e);
            if (error.StatusCode < StatusCodes.Status500InternalServerError)
                await keys.CompleteAsync(grant.Id, key, new StoredResponse(error.StatusCode, ErrorResponse.ToBytes(context, error)), CancellationToken.None);
            else
                await keys.ReleaseAsync(grant.Id, key);
            throw;
        }
    }

    /// <summary>The Sent copy as the API shows it, its body and headers read from the bytes just built.</summary>
    internal static MessageObject SentObject(MessageRecord sent, MessageContent content, Messages.HeaderSet headers)
    {
        var structure = MessageStructure.FromBytes(content.Structure);
        var raw = content.Raw.Span;
        return sent.ToObject() with
        {
            Body = MessageBody.GetHtml(raw, structure),
            Headers = headers == Messages.HeaderSet.None ? null : MessageHeaders.Read(raw, structure)
                .Where(h => headers == Messages.HeaderSet.All || h.Name is "Message-ID" or "In-Reply-To" or "References")
                .Select(h => new HeaderObject(h.Name, h.Value)).ToList(),
        };
    }

    private static Messages.HeaderSet HeaderSetOf(QueryParameters query) => query.Enum("fields", "standard", "include_headers", "include_basic_headers") switch
    {
        "include_headers" => Messages.HeaderSet.All,
        "include_basic_headers" => Messages.HeaderSet.Threading,
        _ => Messages.HeaderSet.None,
    };
}
