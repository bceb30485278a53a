using AgentMail.Smtp.Inbound;
using AgentMail.Smtp.Protocol;

namespace AgentMail.Smtp.Session;

internal sealed partial class SmtpSession
{
    /// <summary>
    /// DATA (RFC 5321 §4.1.1.4): 354, then the message streamed through the unstuffer into a
    /// buffer that stops growing at the size limit; the reply comes after the end-of-data
    /// indication, whatever happened, and the transaction is over either way.
    /// </summary>
    private async Task DataAsync()
    {
        if (_transaction is not { } transaction)
        {
            Reply(SmtpReplies.NeedMail);
            return;
        }
        if (transaction.Chunks is not null)
        {
            Reply(SmtpReplies.DataAfterBdat);
            return;
        }
        if (transaction.Recipients.Count == 0)
        {
            Reply(SmtpReplies.NoValidRecipients); // RFC 5321 §3.3; the transaction stays until RSET
            return;
        }
        Reply(SmtpReplies.StartData);

        using var message = new MessageBuffer(_services.MaxMessageBytes, transaction.DeclaredSize ?? 0);
        var unstuffer = new DotUnstuffer();
        var deadline = _services.Clock.GetUtcNow() + _options.MaxDataDuration;
        while (true)
        {
            var result = await ReadAsync(_transferWait, _options.DataTimeout, deadline).ConfigureAwait(false);
            var consumed = unstuffer.Process(result.Buffer, message);
            _input.AdvanceTo(consumed);
            if (unstuffer.Completed)
                break;
            if (result.IsCompleted)
                throw new SessionEndedException(null, "connection closed during DATA; nothing stored");
        }
        await CompleteAsync(transaction, message, unstuffer.BareLineEnding, unstuffer.ContainsNul).ConfigureAwait(false);
    }

    /// <summary>
    /// BDAT (RFC 3030): exactly the announced octets are read whatever the state — the client has
    /// sent them already (it pipelines chunks) — then the chunk is refused or appended.
    /// </summary>
    private async Task BdatAsync(SmtpCommand command)
    {
        var transaction = _transaction;
        SmtpReply? refusal = transaction switch
        {
            null => SmtpReplies.NeedMail,
            { Recipients.Count: 0 } => SmtpReplies.NoValidRecipients,
            { ChunkRefused: true } => SmtpReplies.ChunkRejected,
            _ => null,
        };
        if (refusal is null && transaction!.Chunks is null)
            transaction.Chunks = new MessageBuffer(_services.MaxMessageBytes, transaction.DeclaredSize ?? 0);
        var sink = refusal is null ? transaction!.Chunks : null;

        var deadline = _services.Clock.GetUtcNow() + _options.MaxDataDuration;
        var remaining = command.ChunkSize;
        while (remaining > 0)
        {
            var result = await ReadAsync(_transferWait, _options.DataTimeout, deadline).ConfigureAwait(false);
            var chunk = result.Buffer.Slice(0, Math.Min(remaining, result.Buffer.Length));
            if (sink is not null)
            {
                sink.Write(chunk);
                foreach (var segment in chunk)
                    transaction!.ChunkCheck.Scan(segment.Span);
            }
            remaining -= chunk.Length;
            _input.AdvanceTo(chunk.End);
            if (remaining > 0 && result.IsCompleted)
                throw new SessionEndedException(null, "connection closed during BDAT; nothing stored");
        }

        if (refusal is not null)
        {
            if (command.Last)
                ResetTransaction();
            Reply(refusal);
            return;
        }
        if (transaction!.Chunks!.Overflowed)
        {
            // RFC 3030 §2: after a refused chunk the client sends no more; any it pipelined get 503.
            transaction.ChunkRefused = true;
            if (command.Last)
                ResetTransaction();
            Reply(SmtpReplies.TooLarge(_services.MaxMessageBytes));
            return;
        }
        if (!command.Last)
        {
            Reply(SmtpReplies.ChunkOk(command.ChunkSize));
            return;
        }
        transaction.ChunkCheck.Complete();
        await CompleteAsync(transaction, transaction.Chunks, transaction.ChunkCheck.BareLineEnding, transaction.ChunkCheck.ContainsNul).ConfigureAwait(false);
    }

    /// <summary>The end of a transaction: refuse what must be refused, else submit or deliver; then reset.</summary>
    private async Task CompleteAsync(MailTransaction transaction, MessageBuffer message, bool bareLineEnding, bool containsNul)
    {
        SmtpReply reply;
        try
        {
            if (message.Overflowed)
                reply = SmtpReplies.TooLarge(_services.MaxMessageBytes);
            else if (bareLineEnding)
                reply = SmtpReplies.BareLineEndingInData;
            else if (containsNul)
                reply = SmtpReplies.NulInData;
            else if (_authenticated is { Revoked: true })
                throw new SessionEndedException(SmtpReplies.CredentialsChanged(_host), "credentials changed during DATA; nothing stored");
            else if (_role == SessionRole.Submission)
                reply = await _services.Submission.SubmitAsync(_authenticated!.Grant, transaction.From.Address,
                    transaction.Recipients.Select(r => r.Path.Address).ToArray(), message.Memory, _host).ConfigureAwait(false);
            else
                reply = await _services.Inbound.DeliverAsync(new InboundEnvelope(_clientName ?? "unknown", _client, _isTls, _esmtp,
                    transaction.SmtpUtf8, transaction.From), transaction.Recipients, message.Memory).ConfigureAwait(false);
        }
        finally
        {
            ResetTransaction();
        }
        SmtpTelemetry.Messages.Add(1, new KeyValuePair<string, object?>("role", _role.ToString()), new KeyValuePair<string, object?>("code", reply.Code));
        Reply(reply);
    }
}
