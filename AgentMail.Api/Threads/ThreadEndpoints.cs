using AgentMail.Api.Folders;
using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Grants;
using AgentMail.Api.Infrastructure.Json;
using AgentMail.Api.Infrastructure.Paging;
using AgentMail.Api.Infrastructure.Query;
using AgentMail.Api.Infrastructure.Responses;
using AgentMail.Api.Messages;
using AgentMail.Mailbox.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgentMail.Api.Threads;

/// <summary>
/// <c>/v3/grants/{grant_id}/threads</c>: conversations as the core groups them (Message-ID,
/// In-Reply-To, References, then subject). An update or delete applies to every message of the thread.
/// </summary>
public static class ThreadEndpoints
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    public static RouteGroupBuilder MapThreadEndpoints(this RouteGroupBuilder grant)
    {
        var threads = grant.MapGroup("/threads").WithTags("Threads");
        threads.MapGet("/", ListAsync)
            .WithSummary("List threads, latest activity first")
            .WithDescription("A thread is listed when one of its messages matches the message filters (in, unread, starred, subject, any_email, from, to, cc, bcc, has_attachment, search_query_native, received_before/after); latest_message_before/after filter on its latest message. limit (default 20, max 50), page_token, select.")
            .Produces<ListEnvelope<ThreadObject>>();
        threads.MapGet("/{thread_id}", GetAsync).WithSummary("Get a thread").Produces<DataEnvelope<ThreadObject>>();
        threads.MapPut("/{thread_id}", UpdateAsync)
            .WithSummary("Update every message of a thread: unread, starred, folders (a move)")
            .Accepts<UpdateMessageRequest>("application/json")
            .Produces<DataEnvelope<ThreadObject>>();
        threads.MapDelete("/{thread_id}", DeleteAsync).WithSummary("Move every message of a thread to Trash").Produces<RequestEnvelope>();
        return grant;
    }

    private static async Task<IResult> ListAsync(GrantScope grant, HttpRequest request, ThreadReader reader, FolderLookup folders, PageTokens tokens,
        CancellationToken cancellationToken)
    {
        var query = new QueryParameters(request.Query);
        var limit = query.Limit(DefaultLimit, MaxLimit);
        var select = FieldSelection.Parse(query.String("select"), ThreadObject.Fields);
        var filter = MessageFilter.Parse(query) with { ThreadId = null, MatchesNothing = false };
        if (filter.In is { } folder)
            filter = filter with { FolderId = (await folders.ResolveAsync(grant.Id, folder, "in", cancellationToken)).Id };
        var times = new ThreadTimes(query.UnixTime("latest_message_before"), query.UnixTime("latest_message_after"));
        var scope = $"threads|{grant.Id}|{filter.Fingerprint()}|{times.Fingerprint()}";
        var position = tokens.Read(query.String("page_token", 8192), scope, PagePositions.KeysetLength);

        var ids = await reader.ListIdsAsync(grant.Id, filter, times, position is null ? null : PagePositions.ReadKeyset(position), limit + 1, cancellationToken);
        string? next = null;
        if (ids.Count > limit)
        {
            ids.RemoveAt(limit);
            next = tokens.Create(scope, PagePositions.Keyset(ids[^1].Latest, ids[^1].Id));
        }
        var threads = await reader.ToObjectsAsync(grant.Id, ids.Select(i => i.Id).ToList(),
            withLatest: select is null || select.Includes("latest_draft_or_message"), cancellationToken);
        return ApiResults.List(threads, ApiJson.Default.ThreadObject, next, select);
    }

    private static async Task<IResult> GetAsync(GrantScope grant, string thread_id, HttpRequest request, ThreadReader reader, CancellationToken cancellationToken)
    {
        var select = FieldSelection.Parse(new QueryParameters(request.Query).String("select"), ThreadObject.Fields);
        return ApiResults.Data(await FindAsync(reader, grant, thread_id, cancellationToken), ApiJson.Default.ThreadObject, select);
    }

    private static async Task<IResult> UpdateAsync(GrantScope grant, string thread_id, HttpRequest request, ThreadReader reader, MessageReader messages,
        MessageUpdates updates, CancellationToken cancellationToken)
    {
        var update = await JsonBody.ReadAsync(request, ApiJson.Default.UpdateMessageRequest, cancellationToken);
        var id = ParseId(thread_id);
        var members = (await messages.ListByThreadsAsync(grant.Id, [id], cancellationToken)).Select(m => m.Record).ToList();
        if (members.Count == 0)
            throw NotFound(thread_id);
        var target = await updates.ValidateAsync(grant.Id, update, cancellationToken);
        await updates.ApplyAsync(grant.Id, members, update, target, cancellationToken);
        return ApiResults.Data(await FindAsync(reader, grant, thread_id, cancellationToken), ApiJson.Default.ThreadObject);
    }

    private static async Task<IResult> DeleteAsync(GrantScope grant, string thread_id, MessageReader messages, MessageService service, CancellationToken cancellationToken)
    {
        var id = ParseId(thread_id);
        var members = await messages.ListByThreadsAsync(grant.Id, [id], cancellationToken);
        if (members.Count == 0)
            throw NotFound(thread_id);
        await service.DeleteAsync(grant.Id, MessageSelection.Ids(members.Select(m => m.Record.Id).ToArray()), cancellationToken);
        return ApiResults.Deleted();
    }

    private static async Task<ThreadObject> FindAsync(ThreadReader reader, GrantScope grant, string threadId, CancellationToken cancellationToken) =>
        (await reader.ToObjectsAsync(grant.Id, [ParseId(threadId)], withLatest: true, cancellationToken)).SingleOrDefault() ?? throw NotFound(threadId);

    private static Guid ParseId(string id) => Guid.TryParse(id, out var guid) ? guid : throw NotFound(id);

    private static ApiException NotFound(string id) => ApiException.NotFound($"Thread '{(id.Length <= 80 ? id : id[..80] + "…")}' not found.");
}
