using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Mailbox.Folders;

namespace AgentMail.Api.Folders;

/// <summary>
/// Finds a grant's folder by its API id (<c>inbox</c>, <c>sent</c>, … or a uuid) or, beyond Nylas,
/// by its full name (<c>INBOX</c>, <c>Projects/2026</c>) — what <c>in</c> and <c>folders</c> accept.
/// </summary>
public sealed class FolderLookup(FolderService folders)
{
    public async Task<Folder> ResolveAsync(Guid grantId, string idOrName, string parameter, CancellationToken cancellationToken)
    {
        if (idOrName.Length is 0 or > FolderNameRules.MaxBytes)
            throw ApiException.NotFound($"Folder '{Shorten(idOrName)}' (from '{parameter}') not found.");
        return await folders.GetAsync(grantId, idOrName, cancellationToken)
            ?? await folders.FindByNameAsync(grantId, idOrName, cancellationToken)
            ?? throw ApiException.NotFound($"Folder '{Shorten(idOrName)}' (from '{parameter}') not found.");
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
