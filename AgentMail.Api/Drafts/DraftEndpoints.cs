using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Grants;
using AgentMail.Api.Infrastructure.Http;
using AgentMail.Api.Infrastructure.Json;
using AgentMail.Api.Infrastructure.Paging;
using AgentMail.Api.Infrastructure.Query;
using AgentMail.Api.Infrastructure.Responses;
using AgentMail.Api.Messages;
using AgentMail.Api.Sending;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Objects;
using AgentMail.Mime.Building;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgentMail.Api.Drafts;

/// <summary>
/// <c>/v3/grants/{grant_id}/drafts</c>: drafts are messages of the Drafts folder flagged
/// <c>\Draft</c>, so a mail client sees and edits the same drafts. Create appends (message.created),
/// update replaces the content in place (same id; message.updated), delete removes it for good,
/// <c>POST /drafts/{id}</c> sends it (submit, then remove the draft).
/// </summary>
public static class DraftEndpoints
{
    public static RouteGroupBuilder MapDraftEndpoints(this RouteGroupBuilder grant, long maxMessageBytes)
    {
        var drafts = grant.MapGroup("/drafts").WithTags("Drafts");
        drafts.MapGet("/", ListAsync)
            .WithSummary("List drafts, newest first")
            .WithDescription("Filters as for messages (subject, any_email, to, cc, bcc, starred, thread_id, has_attachment, …); limit, page_token, select.")
            .Produces<ListEnvelope<MessageObject>>();
        drafts.MapGet("/{draft_id}", GetAsync).WithSummary("Get a draft").Produces<DataEnvelope<MessageObject>>();
        drafts.MapPost("/", CreateAsync)
            .WithSummary("Create a draft")
            .WithDescription("The send fields (recipients may be empty), plus starred; JSON or multipart.")
            .Accepts<OutgoingRequest>("application/json", "multipart/form-data")
            .Produces<DataEnvelope<MessageObject>>()
            .WithBodyLimit(SendEndpoints.MaxBodyBytes(maxMessageBytes));
        drafts.MapPut("/{draft_id}", UpdateAsync)
            .WithSummary("Update a draft: the fields given replace the draft's")
            .Accepts<OutgoingRequest>("application/json", "multipart/form-data")
            .Produces<DataEnvelope<MessageObject>>()
            .WithBodyLimit(SendEndpoints.MaxBodyBytes(maxMessageBytes));
        drafts.MapDelete("/{draft_id}", DeleteAsync).WithSummary("Delete a draft for good").Produces<RequestEnvelope>();
        drafts.MapPost("/{draft_id}", SendAsync).WithSummary("Send a draft").Produces<DataEnvelope<MessageObject>>();
        return grant;
    }

    private static async Task<IResult> ListAsync(GrantScope grant, HttpRequest request, MessageReader reader, FolderService folders,
        PageTokens tokens, CancellationToken cancellationToken)
    {
        var query = new QueryParameters(request.Query);
        var limit = query.Limit(MessageEndpoints.DefaultLimit, MessageEndpoints.MaxLimit);
        var view = MessageView.Parse(query);
        var drafts = await DraftsFolderAsync(folders, grant, cancellationToken);
        var filter = MessageFilter.Parse(query) with { In = null, FolderId = drafts.Id };
        var scope = $"drafts|{grant.Id}|{filter.Fingerprint()}";
        var position = tokens.Read(query.String("page_token", 8192), scope, PagePositions.KeysetLength);
        var rows = await reader.ListAsync(grant.Id, filter, position is null ? null : PagePositions.ReadKeyset(position), limit + 1,
            withContent: view.Body || view.Headers != HeaderSet.None, cancellationToken);
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            next = tokens.Create(scope, PagePositions.Keyset(rows[^1].Record.InternalDate, rows[^1].Record.Id));
        }
        var objects = (await reader.ToObjectsAsync(rows, view, cancellationToken)).Select(AsDraft).ToList();
        return ApiResults.List(objects, ApiJson.Default.MessageObject, next, view.Select);
    }

    private static async Task<IResult> GetAsync(GrantScope grant, string draft_id, HttpRequest request, MessageReader reader, FolderService folders,
        CancellationToken cancellationToken)
    {
        var view = MessageView.Parse(new QueryParameters(request.Query));
        var draft = await FindAsync(reader, folders, grant, draft_id, withContent: true, cancellationToken);
        return ApiResults.Data(AsDraft((await reader.ToObjectsAsync([draft], view, cancellationToken))[0]), ApiJson.Default.MessageObject, view.Select);
    }

    private static async Task<IResult> CreateAsync(GrantScope grant, HttpRequest request, OutgoingMessageFactory factory, MessageService messages,
        FolderService folders, MessageReader reader, CancellationToken cancellationToken)
    {
        var input = await OutgoingReader.ReadAsync(request, cancellationToken);
        var outgoing = await factory.BuildAsync(grant, input, requireRecipients: false, cancellationToken);
        var drafts = await DraftsFolderAsync(folders, grant, cancellationToken);
        var flags = MessageFlags.Draft | MessageFlags.Seen | (input.Request.Starred == true ? MessageFlags.Flagged : MessageFlags.None);
        var stored = await messages.AppendAsync(grant.Id, drafts.Id, outgoing.Content,
            new AppendOptions { Flags = flags, Metadata = input.Request.Metadata, DeduplicateByMessageId = false }, cancellationToken);
        return await DraftResultAsync(reader, grant, stored.Message.Id, cancellationToken);
    }

    private static async Task<IResult> UpdateAsync(GrantScope grant, string draft_id, HttpRequest request, OutgoingMessageFactory factory,
        MessageService messages, MessageUpdates updates, FolderService folders, MessageReader reader, BlobReader blobs, CancellationToken cancellationToken)
    {
        var input = await OutgoingReader.ReadAsync(request, cancellationToken);
        var draft = (await FindAsync(reader, folders, grant, draft_id, withContent: false, cancellationToken)).Record;
        OutgoingMessageFactory.RefuseUnsupported(input.Request);
        MessageUpdates.ValidateMetadata(input.Request.Metadata);
        if (DraftContent.ChangesContent(input))
        {
            var raw = await blobs.ReadAllAsync(draft.BlobSha256, cancellationToken) ?? throw ApiException.NotFound($"Draft '{draft_id}' not found.");
            var merged = DraftContent.Merge(draft, raw, input);
            var outgoing = await factory.BuildAsync(grant, merged, requireRecipients: false, cancellationToken, (draft.InReplyTo, draft.References));
            var flags = input.Request.Starred switch
            {
                true => draft.Flags | MessageFlags.Flagged,
                false => draft.Flags & ~MessageFlags.Flagged,
                null => draft.Flags,
            };
            await messages.ReplaceContentAsync(grant.Id, draft.Id, outgoing.Content,
                new AppendOptions { Flags = flags | MessageFlags.Draft, Keywords = draft.Keywords }, cancellationToken);
        }
        else if (input.Request.Starred is not null)
        {
            await updates.ApplyAsync(grant.Id, [draft], new UpdateMessageRequest { Starred = input.Request.Starred }, null, cancellationToken);
        }
        if (input.Request.Metadata is not null)
            await messages.SetMetadataAsync(grant.Id, draft.Id, input.Request.Metadata, cancellationToken);
        return await DraftResultAsync(reader, grant, draft.Id, cancellationToken);
    }

    private static async Task<IResult> DeleteAsync(GrantScope grant, string draft_id, MessageReader reader, FolderService folders, MessageService messages,
        CancellationToken cancellationToken)
    {
        var draft = await FindAsync(reader, folders, grant, draft_id, withContent: false, cancellationToken);
        await messages.PurgeAsync(grant.Id, MessageSelection.Ids(draft.Record.Id), cancellationToken);
        return ApiResults.Deleted();
    }

    /// <summary>
    /// Sends the draft as it is stored (a fresh Date header, the rest byte for byte) to its To, Cc
    /// and Bcc, through the same submit as any send; then removes the draft. The two steps are two
    /// transactions: should the second fail, the message is sent and the draft remains.
    /// </summary>
    private static async Task<IResult> SendAsync(GrantScope grant, string draft_id, HttpContext context, MessageReader reader, FolderService folders,
        MessageService messages, BlobReader blobs, CancellationToken cancellationToken)
    {
        var draft = (await FindAsync(reader, folders, grant, draft_id, withContent: false, cancellationToken)).Record;
        var recipients = draft.To.Concat(draft.Cc).Concat(draft.Bcc).Select(p => p.Email).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (recipients.Count == 0)
            throw ApiException.BadRequest("The draft has no recipients: set 'to', 'cc' or 'bcc' before sending it.");
        var raw = await blobs.ReadAllAsync(draft.BlobSha256, cancellationToken) ?? throw ApiException.NotFound($"Draft '{draft_id}' not found.");
        var dated = RawMessage.WithPrependedHeaders(RawMessage.WithoutHeaders(raw, "Date"),
            KeyValuePair.Create("Date", MessageBuilder.FormatDate(DateTimeOffset.UtcNow)));
        var content = MessageContentReader.Read(dated);
        var submitted = await messages.SubmitAsync(grant.Id, content, grant.Email, recipients, draft.Metadata, cancellationToken);
        await messages.PurgeAsync(grant.Id, MessageSelection.Ids(draft.Id), cancellationToken);
        var body = ApiResults.DataBytes(context, SendEndpoints.SentObject(submitted.SentCopy, content, HeaderSet.None), ApiJson.Default.MessageObject,
            json => json.WriteString("grant_id"u8, grant.Id.ToString()));
        return ApiResults.Json(body);
    }

    private static async Task<IResult> DraftResultAsync(MessageReader reader, GrantScope grant, Guid id, CancellationToken cancellationToken)
    {
        var stored = await reader.GetAsync(grant.Id, id, withContent: true, cancellationToken) ?? throw ApiException.NotFound("Draft not found.");
        return ApiResults.Data(AsDraft((await reader.ToObjectsAsync([stored], MessageView.Standard, cancellationToken))[0]), ApiJson.Default.MessageObject);
    }

    /// <summary>A draft is a message of the Drafts folder; any other id is a 404 here.</summary>
    private static async Task<StoredMessage> FindAsync(MessageReader reader, FolderService folders, GrantScope grant, string id, bool withContent,
        CancellationToken cancellationToken)
    {
        var drafts = await DraftsFolderAsync(folders, grant, cancellationToken);
        var message = Guid.TryParse(id, out var guid) ? await reader.GetAsync(grant.Id, guid, withContent, cancellationToken) : null;
        return message is not null && message.Record.FolderId == drafts.Id
            ? message
            : throw ApiException.NotFound($"Draft '{(id.Length <= 80 ? id : id[..80] + "…")}' not found.");
    }

    private static async Task<Folder> DraftsFolderAsync(FolderService folders, GrantScope grant, CancellationToken cancellationToken) =>
        await folders.GetByRoleAsync(grant.Id, SystemFolder.DraftsRole, cancellationToken) ?? throw ApiException.NotFound("The grant has no Drafts folder.");

    private static MessageObject AsDraft(MessageObject message) => message with { Object = "draft" };
}
