using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Storage;
using AgentMail.Smtp.Protocol;
using Npgsql;

namespace AgentMail.Smtp.Session;

internal sealed partial class SmtpSession
{
    /// <summary>How often MAIL re-reads the credential version, beyond the change feed's notification.</summary>
    private static readonly TimeSpan VersionCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>MAIL FROM (RFC 5321 §4.1.1.2) with SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531) and AUTH= (RFC 4954 §5).</summary>
    private async Task MailAsync(SmtpCommand command)
    {
        if (_clientName is null)
        {
            Reply(SmtpReplies.NeedHelo);
            return;
        }
        if (_transaction is not null)
        {
            Reply(SmtpReplies.NestedMail);
            return;
        }
        if (_role == SessionRole.Submission && _authenticated is null)
        {
            Reply(_isTls ? SmtpReplies.AuthRequired : SmtpReplies.StartTlsFirst);
            return;
        }

        long? size = null;
        var smtpUtf8 = false;
        foreach (var (keyword, value) in command.Parameters)
        {
            switch (keyword)
            {
                case "SIZE" when value is not null && long.TryParse(value, System.Globalization.NumberStyles.None, null, out var declared):
                    // RFC 1870 §6: refuse at MAIL when the declared size already exceeds the limit.
                    if (declared > _services.MaxMessageBytes)
                    {
                        Reply(SmtpReplies.TooLarge(_services.MaxMessageBytes));
                        return;
                    }
                    size = declared;
                    break;
                case "BODY" when value is not null && (value.Equals("7BIT", StringComparison.OrdinalIgnoreCase) || value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase)):
                    break;
                case "SMTPUTF8" when value is null:
                    smtpUtf8 = true;
                    break;
                case "AUTH" when value is not null:
                    break; // RFC 4954 §5: accepted; we do not relay on another's behalf
                default:
                    Reply(SmtpReplies.UnknownParameter);
                    return;
            }
        }
        var from = command.Path!;
        if (from.IsInternationalized && !smtpUtf8)
        {
            Reply(SmtpReplies.NeedSmtpUtf8);
            return;
        }

        if (_authenticated is { } signedIn)
        {
            // No sending as someone else: the envelope sender is the grant's own address.
            if (from.IsNull || EmailAddressRules.Key(from.Address) != EmailAddressRules.Key(signedIn.Grant.Email))
            {
                Reply(SmtpReplies.SenderNotOwned(from));
                return;
            }
            // A rotation whose notification was lost is caught here: at the first MAIL, then at most
            // once a second, so that a client sending a burst does not pay a store read per message.
            if (signedIn.VersionCheckedAt == 0 || _services.Clock.GetElapsedTime(signedIn.VersionCheckedAt) >= VersionCheckInterval)
            {
                int? version;
                try
                {
                    version = await _services.Grants.GetCredentialVersionAsync(signedIn.Grant.Id, _transferWait.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is StoreUnavailableException or NpgsqlException)
                {
                    Reply(SmtpReplies.TemporaryFailure);
                    return;
                }
                if (version != signedIn.Watch.Version)
                {
                    signedIn.Watch.Revoke();
                    throw new SessionEndedException(SmtpReplies.CredentialsChanged(_host), "credentials changed");
                }
                signedIn.VersionCheckedAt = _services.Clock.GetTimestamp();
            }
        }
        _transaction = new MailTransaction(from, smtpUtf8, size);
        Reply(SmtpReplies.SenderOk);
    }

    /// <summary>RCPT TO (RFC 5321 §4.1.1.3). Submission takes any valid address; MX only those of grants here.</summary>
    private async Task RcptAsync(SmtpCommand command)
    {
        if (_transaction is not { } transaction)
        {
            Reply(SmtpReplies.NeedMail);
            return;
        }
        if (command.Parameters.Count > 0)
        {
            Reply(SmtpReplies.UnknownParameter); // NOTIFY/ORCPT (RFC 3461) are not offered
            return;
        }
        var to = command.Path!;
        if (to.IsInternationalized && !transaction.SmtpUtf8)
        {
            Reply(SmtpReplies.NeedSmtpUtf8);
            return;
        }
        if (transaction.Recipients.Count >= _options.MaxRecipients)
        {
            Reply(SmtpReplies.TooManyRecipients); // §4.5.3.1.10: the client sends the rest in another transaction
            return;
        }

        if (_role == SessionRole.Submission)
        {
            if (EmailAddressRules.Validate(to.Address) is not null)
            {
                Reply(SmtpReplies.BadRecipientSyntax);
                return;
            }
            if (!transaction.Recipients.Any(r => EmailAddressRules.Key(r.Path.Address) == EmailAddressRules.Key(to.Address)))
                transaction.Recipients.Add(new AcceptedRecipient(to));
            Reply(SmtpReplies.RecipientOk);
            return;
        }

        var (reply, accepted) = await _services.Inbound.ResolveRecipientAsync(to, transaction.DeclaredSize, _transferWait.Token).ConfigureAwait(false);
        if (accepted is not null && !transaction.Recipients.Any(r => r.GrantId == accepted.GrantId))
            transaction.Recipients.Add(accepted);
        Reply(reply);
    }
}
