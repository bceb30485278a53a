using AgentMail.Mailbox.Storage;

namespace AgentMail.Mailbox.Messages;

public sealed partial class MessageService
{
    /// <summary>
    /// Deletes messages for good wherever they are, without the stop in Trash that
    /// <see cref="DeleteAsync"/> makes: a draft deleted or sent through the API, a hard delete.
    /// One message.deleted event each; their UIDs are logged as expunged. Returns what was purged.
    /// </summary>
    public async Task<IReadOnlyList<MessageRecord>> PurgeAsync(Guid grantId, MessageSelection selection, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        var (_, messages) = await MessageRows.LockAndSelectAsync(tx, grantId, selection, [], onlyDeleted: false, cancellationToken).ConfigureAwait(false);
        await MessageRows.PurgeAsync(tx, messages, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return messages;
    }
}
