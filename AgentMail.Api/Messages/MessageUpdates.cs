using AgentMail.Api.Folders;
using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;

namespace AgentMail.Api.Messages;

/// <summary>
/// Applies an <see cref="UpdateMessageRequest"/> through the mailbox core: flags (one change, one
/// message.updated, retried if IMAP changed the flags meanwhile), then the move, then metadata.
/// Everything is validated before anything changes, so a refused request changes nothing.
/// </summary>
public sealed class MessageUpdates(MessageService messages, FolderLookup folders)
{
    public const int MaxMetadataPairs = 50;
    public const int MaxMetadataKeyLength = 100;
    public const int MaxMetadataValueLength = 500;

    /// <summary>Checks the request and resolves its target folder (null when not moving).</summary>
    public async Task<Folder?> ValidateAsync(Guid grantId, UpdateMessageRequest update, CancellationToken cancellationToken)
    {
        ValidateMetadata(update.Metadata);
        if (update.Folders is null)
            return null;
        if (update.Folders.Count != 1 || string.IsNullOrEmpty(update.Folders[0]))
            throw ApiException.BadRequest("'folders' must name exactly one folder: a message is in one folder at a time here.");
        return await folders.ResolveAsync(grantId, update.Folders[0], "folders", cancellationToken);
    }

    public async Task ApplyAsync(Guid grantId, IReadOnlyList<MessageRecord> targets, UpdateMessageRequest update, Folder? target, CancellationToken cancellationToken)
    {
        foreach (var message in targets)
            await SetFlagsAsync(grantId, message, update.Unread, update.Starred, cancellationToken);
        if (target is not null && targets.Count > 0)
            await messages.MoveAsync(grantId, MessageSelection.Ids(targets.Select(t => t.Id).ToArray()), target.Id, cancellationToken);
        if (update.Metadata is not null)
        {
            foreach (var message in targets)
                await messages.SetMetadataAsync(grantId, message.Id, update.Metadata, cancellationToken);
        }
    }

    public static void ValidateMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
            return;
        if (metadata.Count > MaxMetadataPairs)
            throw ApiException.BadRequest($"'metadata' has {metadata.Count} pairs; at most {MaxMetadataPairs}.");
        foreach (var (key, value) in metadata)
        {
            if (key.Length is 0 or > MaxMetadataKeyLength)
                throw ApiException.BadRequest($"'metadata' keys must be 1 to {MaxMetadataKeyLength} characters.");
            if (value is null)
                throw ApiException.BadRequest($"'metadata.{key}' must be a string.");
            if (value.Length > MaxMetadataValueLength)
                throw ApiException.BadRequest($"'metadata.{key}' must be at most {MaxMetadataValueLength} characters.");
        }
    }

    /// <summary>
    /// Unread/starred as one flag replacement guarded by the message's MODSEQ (RFC 7162
    /// UNCHANGEDSINCE), so a flag another client set meanwhile is never overwritten: on conflict
    /// the current flags are re-read and the change applied again.
    /// </summary>
    private async Task SetFlagsAsync(Guid grantId, MessageRecord message, bool? unread, bool? starred, CancellationToken cancellationToken)
    {
        var current = message;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var flags = current.Flags;
            if (unread is { } u)
                flags = u ? flags & ~MessageFlags.Seen : flags | MessageFlags.Seen;
            if (starred is { } s)
                flags = s ? flags | MessageFlags.Flagged : flags & ~MessageFlags.Flagged;
            if (flags == current.Flags)
                return;
            var result = await messages.SetFlagsAsync(grantId, MessageSelection.Ids(current.Id), FlagChange.Replace(flags, current.Keywords), current.ModSeq, cancellationToken);
            if (result.Matched.Count == 0)
                throw ApiException.NotFound($"Message {message.Id} not found.");
            if (result.Modified.Count == 0)
                return;
            current = result.Modified[0];
        }
        throw ApiException.Conflict("The message's flags keep changing; retry the request.");
    }
}
