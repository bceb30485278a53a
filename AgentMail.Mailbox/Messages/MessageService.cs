using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Hosting;
using AgentMail.Mailbox.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentMail.Mailbox.Messages;

/// <summary>
/// Every change to messages, whichever surface asks: append, flags, move, copy, delete, expunge,
/// submit for sending, replace a draft. Each is one short transaction that writes its rows and
/// its events together, then notifies listeners after commit.
/// </summary>
public sealed partial class MessageService(MailboxDatabase database, ChangePublisher publisher, IOptions<MailboxOptions> options, TimeProvider clock)
{
    public async Task<MessageRecord?> GetAsync(Guid grantId, Guid messageId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {MessageRecord.Columns("m")} FROM messages m WHERE m.grant_id = $1 AND m.id = $2", connection);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(messageId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? MessageRecord.Read(reader) : null;
    }

    public async Task<IReadOnlyList<MessageRecord>> GetByUidsAsync(Guid grantId, long folderId, IReadOnlyList<UidRange> uids, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        return await MessageRows.SelectAsync(tx, grantId, MessageSelection.Uids(folderId, uids), onlyDeleted: false, cancellationToken).ConfigureAwait(false);
    }

    internal void CheckSize(MessageContent content)
    {
        var max = options.Value.MaxMessageBytes;
        if (content.Size > max)
            throw new MailboxException(MailboxError.MessageTooLarge, $"The message is {content.Size} bytes; the maximum is {max} bytes.");
    }

    /// <summary>
    /// Refuses growth beyond the grant's quota. Usage is the sum of its folders' sizes (no single
    /// hot row per grant); concurrent stores may overshoot by what is in flight, as with most servers.
    /// </summary>
    private static async Task CheckQuotaAsync(MailboxTransaction tx, Guid grantId, long growth, CancellationToken cancellationToken)
    {
        await using var command = tx.Command("""
            SELECT g.quota_bytes, COALESCE((SELECT sum(size_bytes) FROM folders WHERE grant_id = g.id), 0)::bigint
            FROM grants g WHERE g.id = $1
            """);
        command.Parameters.AddWithValue(grantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            throw new MailboxException(MailboxError.GrantNotFound, "The grant does not exist.");
        CheckQuota(reader.GetInt64(0), reader.GetInt64(1), growth);
    }
}
