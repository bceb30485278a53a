using System.Net;
using System.Security.Cryptography;
using AgentMail.Mailbox;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Hosting;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Storage;
using AgentMail.Mime.Building;
using AgentMail.Smtp.Protocol;
using AgentMail.Smtp.Session;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentMail.Smtp.Inbound;

/// <summary>Who handed us the message, for the Received field.</summary>
public sealed record InboundEnvelope(string HeloName, IPAddress? Client, bool Tls, bool Esmtp, bool SmtpUtf8, MailPath From);

/// <summary>
/// Mail arriving on port 25 for grants of this deployment: RCPT is accepted only for their
/// addresses, and each recipient grant gets its own copy in INBOX with a Received field naming it
/// (RFC 5321 §4.4), through <see cref="MessageService.AppendAsync"/> — so message.created fires and
/// idling IMAP clients hear of it, as for any other append.
/// </summary>
/// <remarks>
/// Inbound copies are never deduplicated by Message-ID: the same message from a mailing list and
/// directly from its author are two real deliveries (with different bytes), and an agent should
/// see both, as it would in any other mailbox.
/// </remarks>
internal sealed partial class InboundDelivery(
    GrantService grants, FolderService folders, MessageService messages, IOptions<MailboxOptions> mailbox, TimeProvider clock, ILogger<InboundDelivery> logger)
{
    public async Task<(SmtpReply Reply, AcceptedRecipient? Accepted)> ResolveRecipientAsync(MailPath path, long? declaredSize, CancellationToken cancellationToken)
    {
        if (EmailAddressRules.Validate(path.Address) is not null)
            return (SmtpReplies.UnknownRecipient(path), null); // Postmaster, address literals, quoted local parts: no grant has one
        try
        {
            var grant = await grants.FindByEmailAsync(path.Address, cancellationToken).ConfigureAwait(false);
            if (grant is null)
                return (SmtpReplies.UnknownRecipient(path), null);
            if (grant.UsedBytes + (declaredSize ?? 0) > grant.QuotaBytes)
                return (SmtpReplies.MailboxFull, null);
            var inbox = await folders.GetByRoleAsync(grant.Id, SystemFolder.InboxRole, cancellationToken).ConfigureAwait(false);
            return inbox is null
                ? (SmtpReplies.UnknownRecipient(path), null)
                : (SmtpReplies.RecipientOk, new AcceptedRecipient(path, grant.Id, inbox.Id));
        }
        catch (Exception e) when (e is StoreUnavailableException or NpgsqlException or TimeoutException)
        {
            LogLookupFailed(logger, path.Address, e);
            return (SmtpReplies.TemporaryFailure, null);
        }
    }

    /// <summary>
    /// Stores one copy per recipient grant. A store failure that may pass (Postgres unreachable)
    /// answers 451 so the sender retries — copies already stored are then delivered again, the
    /// SMTP trade of a duplicate over a loss; a permanent refusal for every recipient answers with
    /// it; a permanent refusal for some while others stored answers 250 and is logged.
    /// </summary>
    public async Task<SmtpReply> DeliverAsync(InboundEnvelope envelope, IReadOnlyList<AcceptedRecipient> recipients, ReadOnlyMemory<byte> raw)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var protocol = ReceivedHeader.Protocol(envelope.Esmtp, envelope.Tls, envelope.SmtpUtf8);
        var now = clock.GetUtcNow();
        var stored = 0;
        var transient = false;
        SmtpReply? refused = null;
        foreach (var recipient in recipients)
        {
            var received = ReceivedHeader.Value(envelope.HeloName, envelope.Client, mailbox.Value.Hostname, protocol, id, recipient.Path.Address, now);
            var content = MessageContentReader.Read(WithReceived(raw.Span, received));
            try
            {
                await messages.AppendAsync(recipient.GrantId!.Value, recipient.InboxFolderId, content,
                    new AppendOptions { DeduplicateByMessageId = false }, CancellationToken.None).ConfigureAwait(false);
                stored++;
            }
            catch (MailboxException e)
            {
                LogRefused(logger, recipient.Path.Address, e.Error, e.Message);
                refused ??= e.Error switch
                {
                    MailboxError.QuotaExceeded => SmtpReplies.QuotaExceeded,
                    MailboxError.MessageTooLarge => SmtpReplies.TooLarge(mailbox.Value.MaxMessageBytes),
                    _ => SmtpReplies.UnknownRecipient(recipient.Path), // the grant was deleted meanwhile
                };
            }
            catch (Exception e) when (e is StoreUnavailableException or NpgsqlException or TimeoutException)
            {
                LogStoreFailed(logger, recipient.Path.Address, e);
                transient = true;
            }
        }
        if (transient)
            return SmtpReplies.TemporaryFailure;
        return stored == 0 && refused is not null ? refused : SmtpReplies.Delivered(stored);
    }

    /// <summary>The message with a Received field on top; every other byte as it was.</summary>
    public static byte[] WithReceived(ReadOnlySpan<byte> raw, string received) =>
        RawMessage.WithPrependedHeaders(raw, new KeyValuePair<string, string>("Received", received));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recipient lookup for {Address} failed; answered 451")]
    private static partial void LogLookupFailed(ILogger logger, string address, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound copy for {Address} refused: {Error} {Reason}")]
    private static partial void LogRefused(ILogger logger, string address, MailboxError error, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound copy for {Address} could not be stored; the sender was told to retry")]
    private static partial void LogStoreFailed(ILogger logger, string address, Exception e);
}
