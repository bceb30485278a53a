using AgentMail.Api.Folders;
using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Grants;
using AgentMail.Api.Infrastructure.Json;
using AgentMail.Api.Infrastructure.Paging;
using AgentMail.Api.Infrastructure.Query;
using AgentMail.Api.Infrastructure.Responses;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Objects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgentMail.Api.Messages;

/// <summary><c>/v3/grants/{grant_id}/messages</c>: list with Nylas's filters, get, update, delete.</summary>
public static class MessageEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static RouteGroupBuilder MapMessageEndpoints(this RouteGroupBuilder grant)
    {
        var messages = grant.MapGroup("/messages").WithTags("Messages");
        messages.MapGet("/", ListAsync)
            .WithSummary("List messages, newest first")
            .WithDescription("Filters: in (folder id or name), unread, starred, thread_id, subject (case-insensitive substring), any_email (up to 25, comma-separated), from, to, cc, bcc, received_before, received_after (unix seconds), has_attachment, search_query_native (full text over subject, addresses and body: words, \"phrases\", OR, -word). fields=include_headers|include_basic_headers|raw_mime; select=field,…; limit (default 50, max 200); page_token = the previous next_cursor.")
            .Produces<ListEnvelope<MessageObject>>();
        messages.MapGet("/{message_id}", GetAsync)
            .WithSummary("Get a message with its body")
            .Produces<DataEnvelope<MessageObject>>();
        messages.MapPut("/{message_id}", UpdateAsync)
            .WithSummary("Update unread, starred, folders (one folder: a move) and metadata")
            .Accepts<UpdateMessageRequest>("application/json")
            .Produces<DataEnvelope<MessageObject>>();
        messages.MapDelete("/{message_id}", DeleteAsync)
            .WithSummary("Move a message to Trash (delete it for good when it is in Trash, or with hard_delete=true)")
            .Produces<RequestEnvelope>();
        return grant;
    }

    private static async Task<IResult> ListAsync(GrantScope grant, HttpRequest request, MessageReader reader, FolderLookup folders,
        PageTokens tokens, CancellationToken cancellationToken)
    {
        var query = new QueryParameters(request.Query);
        var limit = query.Limit(DefaultLimit, MaxLimit);
        var filter = MessageFilter.Parse(query);
        var view = MessageView.Parse(query);
        if (filter.In is { } folder)
            filter = filter with { FolderId = (await folders.ResolveAsync(grant.Id, folder, "in", cancellationToken)).Id };
        var scope = $"messages|{grant.Id}|{filter.Fingerprint()}";
        var position = tokens.Read(query.String("page_token", 8192), scope, PagePositions.KeysetLength);

        var rows = await reader.ListAsync(grant.Id, filter, position is null ? null : PagePositions.ReadKeyset(position), limit + 1,
            withContent: view.Body || view.Headers != HeaderSet.None, cancellationToken);
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            var last = rows[^1].Record;
            next = tokens.Create(scope, PagePositions.Keyset(last.InternalDate, last.Id));
        }
        if (view.RawMime)
        {
            var raw = new List<RawMimeObject>(rows.Count);
            foreach (var row in rows)
                raw.Add(await reader.ToRawMimeAsync(row.Record, cancellationToken));
            return ApiResults.List(raw, ApiJson.Default.RawMimeObject, next);
        }
        return ApiResults.List(await reader.ToObjectsAsync(rows, view, cancellationToken), ApiJson.Default.MessageObject, next, view.Select);
    }

    private static async Task<IResult> GetAsync(GrantScope grant, string message_id, HttpRequest request, MessageReader reader, CancellationToken cancellationToken)
    {
        var view = MessageView.Parse(new QueryParameters(request.Query));
        var message = await FindAsync(reader, grant, message_id, view.Body || view.Headers != HeaderSet.None, cancellationToken);
        if (view.RawMime)
            return ApiResults.Data(await reader.ToRawMimeAsync(message.Record, cancellationToken), ApiJson.Default.RawMimeObject);
        return ApiResults.Data((await reader.ToObjectsAsync([message], view, cancellationToken))[0], ApiJson.Default.MessageObject, view.Select);
    }

    private static async Task<IResult> UpdateAsync(GrantScope grant, string message_id, HttpRequest request, MessageReader reader,
        MessageUpdates updates, CancellationToken cancellationToken)
    {
        var view = MessageView.Parse(new QueryParameters(request.Query));
        var update = await JsonBody.ReadAsync(request, ApiJson.Default.UpdateMessageRequest, cancellationToken);
        var message = await FindAsync(reader, grant, message_id, withContent: false, cancellationToken);
        var target = await updates.ValidateAsync(grant.Id, update, cancellationToken);
        await updates.ApplyAsync(grant.Id, [message.Record], update, target, cancellationToken);

        var updated = await FindAsync(reader, grant, message_id, view.Body || view.Headers != HeaderSet.None, cancellationToken);
        return ApiResults.Data((await reader.ToObjectsAsync([updated], view, cancellationToken))[0], ApiJson.Default.MessageObject, view.Select);
    }

    private static async Task<IResult> DeleteAsync(GrantScope grant, string message_id, HttpRequest request, MessageService messages, CancellationToken cancellationToken)
    {
        var hard = new QueryParameters(request.Query).Bool("hard_delete") ?? false;
        var id = ParseId(message_id);
        var removed = hard
            ? (await messages.PurgeAsync(grant.Id, MessageSelection.Ids(id), cancellationToken)).Count
            : (await messages.DeleteAsync(grant.Id, MessageSelection.Ids(id), cancellationToken)) is var result ? result.MovedToTrash.Count + result.Purged.Count : 0;
        return removed == 0 ? throw NotFound(message_id) : ApiResults.Deleted();
    }

    internal static async Task<StoredMessage> FindAsync(MessageReader reader, GrantScope grant, string id, bool withContent, CancellationToken cancellationToken) =>
        await reader.GetAsync(grant.Id, ParseId(id), withContent, cancellationToken) ?? throw NotFound(id);

    /// <summary>Message ids are UUIDs; anything else names no message (404, like an unknown id).</summary>
    internal static Guid ParseId(string id) => Guid.TryParse(id, out var guid) ? guid : throw NotFound(id);

    private static ApiException NotFound(string id) => ApiException.NotFound($"Message '{(id.Length <= 80 ? id : id[..80] + "…")}' not found.");
}
