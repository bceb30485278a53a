using System.Threading.Channels;
using AgentMail.Mailbox;
using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Hosting;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Outbound;
using AgentMail.Mailbox.Storage;
using AgentMail.Mime.Building;
using AgentMail.Smtp.Dkim;
using AgentMail.Smtp.Inbound;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentMail.Smtp.Outbound;

/// <summary>
/// Works the outbound queue that API send and SMTP submission fill alike. Woken when a message is
/// queued (the core's change feed, across replicas through Redis) and by a periodic sweep for
/// retries and anything a lost wake-up left; claims due recipients (SKIP LOCKED, leased), and for
/// each message: Bcc removed; recipients that are grants here delivered into their INBOX (the
/// inbound path, with a Received field); the rest DKIM-signed and handed to the relay or their MX;
/// every outcome recorded with its event, a DSN to the sender when something failed for good.
/// </summary>
internal sealed partial class DeliveryWorker(
    OutboundDeliveryService queue,
    GrantService grants,
    ChangeFeed changes,
    RemoteDelivery remote,
    DkimSigner dkim,
    IOptions<OutboundOptions> options,
    IOptions<MailboxOptions> mailbox,
    TimeProvider clock,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
            return;
        await using var subscription = await changes.SubscribeToOutboundAsync(() => _wake.Writer.TryWrite(true)).ConfigureAwait(false);
        using var slots = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        var running = new HashSet<Task>();
        var nextPrune = clock.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var claimed = 0;
                try
                {
                    var claims = await queue.ClaimDueAsync(settings.BatchSize, settings.ClaimLease, stoppingToken).ConfigureAwait(false);
                    foreach (var claim in claims)
                    {
                        claimed += claim.Recipients.Count;
                        await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                        var task = Task.Run(async () =>
                        {
                            try
                            {
                                await ProcessAsync(claim, stoppingToken).ConfigureAwait(false);
                            }
                            finally
                            {
                                slots.Release();
                            }
                        }, CancellationToken.None);
                        lock (running)
                            running.Add(task);
                        _ = task.ContinueWith(t =>
                        {
                            lock (running)
                                running.Remove(t);
                        }, TaskScheduler.Default);
                    }
                    if (clock.GetUtcNow() >= nextPrune)
                    {
                        nextPrune = clock.GetUtcNow() + TimeSpan.FromHours(1);
                        await queue.PruneFinishedAsync(clock.GetUtcNow() - settings.KeepFinished, stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is StoreUnavailableException or NpgsqlException or TimeoutException)
                {
                    LogQueueUnavailable(logger, e.Message);
                }
                if (claimed >= settings.BatchSize)
                    continue; // probably more due right now
                using var sweep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                sweep.CancelAfter(settings.SweepInterval);
                try
                {
                    await _wake.Reader.ReadAsync(sweep.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // the sweep
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        Task[] pending;
        lock (running)
            pending = [.. running];
        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    /// <summary>One claimed message: deliver what can be, record everything. A failure here leaves the claim to expire and be retried.</summary>
    internal async Task ProcessAsync(OutboundClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            var raw = await queue.ReadMessageAsync(claim, cancellationToken).ConfigureAwait(false);
            if (raw is null)
                return; // the grant (and its queue) was deleted meanwhile
            // Bcc recipients are in the envelope; the header must not show them to anyone (RFC 5322 §3.6.3).
            var message = RawMessage.WithoutHeaders(raw, "Bcc");
            var outcomes = new List<DeliveryOutcome>();
            var remoteRecipients = new List<string>();
            foreach (var recipient in claim.Recipients)
            {
                var grant = await grants.FindByEmailAsync(recipient.Address, cancellationToken).ConfigureAwait(false);
                if (grant is null)
                    remoteRecipients.Add(recipient.Address);
                else if (await DeliverLocallyAsync(claim, recipient, grant, message, cancellationToken).ConfigureAwait(false) is { } local)
                    outcomes.Add(local);
            }
            if (remoteRecipients.Count > 0)
            {
                var signed = dkim.Sign(message, SigningDomain(message, claim.EnvelopeFrom));
                var results = await remote.DeliverAsync(claim.EnvelopeFrom, remoteRecipients, signed, cancellationToken).ConfigureAwait(false);
                outcomes.AddRange(results.Select(r => Outcome(claim, r, remote.Route)));
            }
            var failed = outcomes.Where(o => o.Kind == DeliveryOutcomeKind.Failed).ToList();
            // A notice of the deployment itself (no grant) has no INBOX to bounce to: its failures stay on its recipient rows.
            var bounce = failed.Count == 0 || claim.GrantId is null ? null : MessageContentReader.Read(DeliveryStatusNotification.Build(mailbox.Value.Hostname, claim.EnvelopeFrom,
                claim.OutboundId, claim.QueuedAt, failed.Select(f => new FailedRecipient(f.Recipient, f.Status ?? "5.0.0", f.Response, f.RemoteMta, clock.GetUtcNow())).ToList(),
                message, clock.GetUtcNow()));
            await queue.RecordAsync(claim, outcomes, bounce, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down mid-delivery: give the recipients back now rather than when the lease ends.
            // (Any that a remote server took before the cancellation are then sent again: at least once.)
            try
            {
                var now = clock.GetUtcNow();
                await queue.RecordAsync(claim, claim.Recipients.Select(r => new DeliveryOutcome(r.Address, DeliveryOutcomeKind.Deferred,
                    "451 4.3.2 Delivery interrupted by a shutdown") { RetryAt = now }).ToList(), null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StoreUnavailableException or NpgsqlException or TimeoutException)
            {
                LogProcessingFailed(logger, claim.OutboundId, e);
            }
        }
        catch (Exception e)
        {
            LogProcessingFailed(logger, claim.OutboundId, e);
        }
    }

    /// <summary>
    /// Into the INBOX of a grant here, in the transaction that records it delivered. Returns an
    /// outcome only when there is something left to record (a refusal); null when done or no longer ours.
    /// </summary>
    private async Task<DeliveryOutcome?> DeliverLocallyAsync(OutboundClaim claim, OutboundRecipient recipient, Grant grant, byte[] message, CancellationToken cancellationToken)
    {
        var received = ReceivedHeader.Local(mailbox.Value.Hostname, claim.OutboundId.ToString("N"), recipient.Address, clock.GetUtcNow());
        var content = MessageContentReader.Read(InboundDelivery.WithReceived(message, received));
        try
        {
            if (await queue.DeliverLocallyAsync(claim, recipient.Address, grant.Id, content, cancellationToken).ConfigureAwait(false))
                SmtpTelemetry.Deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "delivered"), new KeyValuePair<string, object?>("route", "local"));
            return null;
        }
        catch (MailboxException e)
        {
            var result = e.Error switch
            {
                MailboxError.QuotaExceeded => new AttemptResult(recipient.Address, AttemptKind.Transient, "452 4.2.2 Mailbox full", "4.2.2", mailbox.Value.Hostname),
                MailboxError.MessageTooLarge => new AttemptResult(recipient.Address, AttemptKind.Permanent, $"552 5.3.4 {e.Message}", "5.3.4", mailbox.Value.Hostname),
                _ => new AttemptResult(recipient.Address, AttemptKind.Permanent, "550 5.1.1 Recipient no longer exists", "5.1.1", mailbox.Value.Hostname),
            };
            return Outcome(claim, result with { Recipient = recipient.Address }, "local");
        }
        catch (Exception e) when (e is StoreUnavailableException or NpgsqlException or TimeoutException)
        {
            return Outcome(claim, new AttemptResult(recipient.Address, AttemptKind.Transient, "451 4.3.0 Local delivery failed; will retry", "4.3.0", mailbox.Value.Hostname), "local");
        }
    }

    /// <summary>A temporary failure is retried with backoff until the message's retry period ends; then it bounces.</summary>
    private DeliveryOutcome Outcome(OutboundClaim claim, AttemptResult result, string route)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var attempts = claim.Recipients.FirstOrDefault(r => r.Address == result.Recipient)?.Attempts ?? 0;
        var outcome = result.Kind switch
        {
            AttemptKind.Delivered => new DeliveryOutcome(result.Recipient, DeliveryOutcomeKind.Delivered, result.Response),
            AttemptKind.Permanent => new DeliveryOutcome(result.Recipient, DeliveryOutcomeKind.Failed, result.Response),
            _ when now >= claim.ExpiresAt => new DeliveryOutcome(result.Recipient, DeliveryOutcomeKind.Failed,
                $"{result.Response} (gave up after {attempts + 1} attempts over {(now - claim.QueuedAt).TotalHours:0.#} hours)"),
            _ => new DeliveryOutcome(result.Recipient, DeliveryOutcomeKind.Deferred, result.Response)
            {
                RetryAt = now + RetrySchedule.DelayAfter(attempts + 1, settings.RetryInitialDelay, settings.RetryMaxDelay),
            },
        };
        var status = result.Kind == AttemptKind.Transient && outcome.Kind == DeliveryOutcomeKind.Failed ? "4.4.7" : result.Status;
        SmtpTelemetry.Deliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome.Kind.ToString().ToLowerInvariant()), new KeyValuePair<string, object?>("route", route));
        if (outcome.Kind != DeliveryOutcomeKind.Delivered)
            LogNotDelivered(logger, claim.OutboundId, result.Recipient, outcome.Kind, result.Response);
        return outcome with { Status = status, RemoteMta = result.RemoteMta };
    }

    /// <summary>DKIM's d= aligns with the From domain (what DMARC checks) when there is a key for it; else the envelope sender's.</summary>
    private string SigningDomain(byte[] message, string envelopeFrom)
    {
        var summary = AgentMail.Mime.Summary.MessageSummary.Create(message, AgentMail.Mime.MimeParser.Parse(message));
        var from = summary.From.FirstOrDefault()?.Address;
        var fromDomain = from is null ? null : from[(from.LastIndexOf('@') + 1)..];
        return fromDomain is not null && dkim.HasKey(fromDomain) ? fromDomain : envelopeFrom[(envelopeFrom.LastIndexOf('@') + 1)..];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound queue unavailable: {Reason}")]
    private static partial void LogQueueUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbound message {OutboundId} could not be processed; it is retried when its claim expires")]
    private static partial void LogProcessingFailed(ILogger logger, Guid outboundId, Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbound {OutboundId} to {Recipient}: {Outcome}: {Response}")]
    private static partial void LogNotDelivered(ILogger logger, Guid outboundId, string recipient, DeliveryOutcomeKind outcome, string response);
}
