using AgentMail.Mailbox;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Hosting;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Storage;
using AgentMail.Smtp.Protocol;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentMail.Smtp.Submission;

/// <summary>
/// What a submitted message becomes: exactly the bytes received (plus Date/Message-ID only when
/// missing), ingested once and handed to <see cref="MessageService.SubmitAsync"/> — the Sent copy,
/// the outbound queue and message.created in one transaction, the very call the API's send makes.
/// </summary>
internal sealed partial class MessageSubmission(MessageService messages, IOptions<MailboxOptions> options, TimeProvider clock, ILogger<MessageSubmission> logger)
{
    public async Task<SmtpReply> SubmitAsync(Grant grant, string envelopeFrom, IReadOnlyList<string> recipients, ReadOnlyMemory<byte> received, string hostname)
    {
        var raw = MissingHeaders.AddIfMissing(received, hostname, clock.GetUtcNow());
        var content = MessageContentReader.Read(raw);
        try
        {
            // Not cancelled with the connection: once the bytes are in, storing them is one short transaction.
            var result = await messages.SubmitAsync(grant.Id, content, envelopeFrom, recipients, CancellationToken.None).ConfigureAwait(false);
            return SmtpReplies.Queued(result.OutboundId);
        }
        catch (MailboxException e)
        {
            LogRefused(logger, grant.Email, e.Error, e.Message);
            return e.Error switch
            {
                MailboxError.MessageTooLarge => SmtpReplies.TooLarge(options.Value.MaxMessageBytes),
                MailboxError.QuotaExceeded => SmtpReplies.QuotaExceeded,
                MailboxError.InvalidEmail => SmtpReplies.BadRecipientSyntax,
                _ => SmtpReplies.TemporaryFailure,
            };
        }
        catch (Exception e) when (e is StoreUnavailableException or NpgsqlException or TimeoutException)
        {
            LogStoreFailed(logger, grant.Email, e);
            return SmtpReplies.TemporaryFailure;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission from {Email} refused: {Error} {Reason}")]
    private static partial void LogRefused(ILogger logger, string email, MailboxError error, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Submission from {Email} could not be stored; the client was told to retry")]
    private static partial void LogStoreFailed(ILogger logger, string email, Exception e);
}
