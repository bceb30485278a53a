namespace AgentMail.Api.Folders;

/// <summary>
/// <c>POST /folders</c> and <c>PUT /folders/{id}</c>. <c>name</c> is the full '/'-delimited path
/// (as folders are listed), or a single level under <c>parent_id</c> when that is given.
/// </summary>
public sealed record FolderRequest
{
    public string? Name { get; init; }
    public string? ParentId { get; init; }
}
