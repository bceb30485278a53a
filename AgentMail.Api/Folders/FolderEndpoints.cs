using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Grants;
using AgentMail.Api.Infrastructure.Json;
using AgentMail.Api.Infrastructure.Paging;
using AgentMail.Api.Infrastructure.Query;
using AgentMail.Api.Infrastructure.Responses;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Objects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgentMail.Api.Folders;

/// <summary>
/// <c>/v3/grants/{grant_id}/folders</c>: the grant's IMAP folders. System folders have the ids
/// inbox, sent, drafts, trash, junk, archive and their attributes; a folder created here appears
/// to IMAP clients at once (and fires folder.created).
/// </summary>
public static class FolderEndpoints
{
    private static readonly IReadOnlyCollection<string> Fields =
        ["object", "id", "grant_id", "name", "parent_id", "attributes", "total_count", "unread_count", "child_count", "system_folder"];

    public static RouteGroupBuilder MapFolderEndpoints(this RouteGroupBuilder grant)
    {
        var folders = grant.MapGroup("/folders").WithTags("Folders");
        folders.MapGet("/", ListAsync)
            .WithSummary("List folders (INBOX first, then by name)")
            .WithDescription("parent_id filters to a folder's children; limit (default 50, max 200), page_token, select.")
            .Produces<ListEnvelope<FolderObject>>();
        folders.MapGet("/{folder_id}", GetAsync).WithSummary("Get a folder by id (or full name)").Produces<DataEnvelope<FolderObject>>();
        folders.MapPost("/", CreateAsync)
            .WithSummary("Create a folder (and missing parents)")
            .Accepts<FolderRequest>("application/json")
            .Produces<DataEnvelope<FolderObject>>();
        folders.MapPut("/{folder_id}", UpdateAsync)
            .WithSummary("Rename or move a folder (with its subfolders; ids are kept)")
            .Accepts<FolderRequest>("application/json")
            .Produces<DataEnvelope<FolderObject>>();
        folders.MapDelete("/{folder_id}", DeleteAsync)
            .WithSummary("Delete a folder and its messages (not system folders, not folders with subfolders)")
            .Produces<RequestEnvelope>();
        return grant;
    }

    private static async Task<IResult> ListAsync(GrantScope grant, HttpRequest request, FolderService folders, FolderLookup lookup,
        PageTokens tokens, CancellationToken cancellationToken)
    {
        var query = new QueryParameters(request.Query);
        var limit = query.Limit(50, 200);
        var select = FieldSelection.Parse(query.String("select"), Fields);
        var parentId = query.String("parent_id", FolderNameRules.MaxBytes);
        var all = FolderService.ToObjects(await folders.ListAsync(grant.Id, cancellationToken));
        IEnumerable<FolderObject> matching = all;
        if (parentId is not null)
        {
            var parent = await lookup.ResolveAsync(grant.Id, parentId, "parent_id", cancellationToken);
            matching = all.Where(f => f.ParentId == parent.PublicId);
        }
        var scope = $"folders|{grant.Id}|{parentId}";
        var offset = tokens.Read(query.String("page_token", 8192), scope, PagePositions.OffsetLength) is { } position ? PagePositions.ReadOffset(position) : 0;
        var page = matching.Skip(offset).Take(limit + 1).ToList();
        string? next = null;
        if (page.Count > limit)
        {
            page.RemoveAt(limit);
            next = tokens.Create(scope, PagePositions.Offset(offset + limit));
        }
        return ApiResults.List(page, ApiJson.Default.FolderObject, next, select);
    }

    private static async Task<IResult> GetAsync(GrantScope grant, string folder_id, HttpRequest request, FolderService folders, FolderLookup lookup,
        CancellationToken cancellationToken)
    {
        var select = FieldSelection.Parse(new QueryParameters(request.Query).String("select"), Fields);
        var folder = await lookup.ResolveAsync(grant.Id, folder_id, "folder_id", cancellationToken);
        return ApiResults.Data(await ObjectAsync(folders, grant.Id, folder.Id, cancellationToken), ApiJson.Default.FolderObject, select);
    }

    private static async Task<IResult> CreateAsync(GrantScope grant, HttpRequest request, FolderService folders, FolderLookup lookup,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, ApiJson.Default.FolderRequest, cancellationToken);
        if (string.IsNullOrEmpty(body.Name))
            throw ApiException.BadRequest("'name' is required.");
        var name = await FullNameAsync(lookup, grant.Id, body.Name, body.ParentId, cancellationToken);
        var created = await folders.CreateAsync(grant.Id, name, cancellationToken);
        return ApiResults.Data(await ObjectAsync(folders, grant.Id, created.Id, cancellationToken), ApiJson.Default.FolderObject);
    }

    private static async Task<IResult> UpdateAsync(GrantScope grant, string folder_id, HttpRequest request, FolderService folders, FolderLookup lookup,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, ApiJson.Default.FolderRequest, cancellationToken);
        var folder = await lookup.ResolveAsync(grant.Id, folder_id, "folder_id", cancellationToken);
        if (body.Name is not null || body.ParentId is not null)
        {
            var leaf = body.Name ?? folder.Name[(folder.Name.LastIndexOf(Folder.Delimiter) + 1)..];
            if (leaf.Length == 0)
                throw ApiException.BadRequest("'name' must not be empty.");
            var name = await FullNameAsync(lookup, grant.Id, leaf, body.ParentId, cancellationToken);
            await folders.RenameAsync(grant.Id, folder.Id, name, cancellationToken);
        }
        return ApiResults.Data(await ObjectAsync(folders, grant.Id, folder.Id, cancellationToken), ApiJson.Default.FolderObject);
    }

    private static async Task<IResult> DeleteAsync(GrantScope grant, string folder_id, FolderService folders, FolderLookup lookup, CancellationToken cancellationToken)
    {
        var folder = await lookup.ResolveAsync(grant.Id, folder_id, "folder_id", cancellationToken);
        await folders.DeleteAsync(grant.Id, folder.Id, cancellationToken);
        return ApiResults.Deleted();
    }

    private static async Task<string> FullNameAsync(FolderLookup lookup, Guid grantId, string name, string? parentId, CancellationToken cancellationToken)
    {
        if (parentId is null)
            return name;
        if (name.Contains(Folder.Delimiter))
            throw ApiException.BadRequest("With 'parent_id', 'name' is one level and must not contain '/'.");
        var parent = await lookup.ResolveAsync(grantId, parentId, "parent_id", cancellationToken);
        return parent.Name + Folder.Delimiter + name;
    }

    /// <summary>The object as the list shows it (parent id and child count come from the whole tree).</summary>
    private static async Task<FolderObject> ObjectAsync(FolderService folders, Guid grantId, long folderId, CancellationToken cancellationToken)
    {
        var all = await folders.ListAsync(grantId, cancellationToken);
        var index = all.ToList().FindIndex(f => f.Id == folderId);
        return index < 0 ? throw ApiException.NotFound("Folder not found.") : FolderService.ToObjects(all)[index];
    }
}
