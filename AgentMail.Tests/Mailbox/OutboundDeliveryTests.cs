using System.Collections.Concurrent;
using System.Text.Json;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Outbound;
using AgentMail.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMail.Tests.Mailbox;

/// <summary>
/// The delivery side of the outbound queue: claims with SKIP LOCKED and leases, outcomes with their
/// events in the same transaction, bounces, local delivery, and the queue's blob reference. Each
/// test has a database of its own, so no claim can take another test's queued mail.
/// </summary>
public sealed class OutboundDeliveryTests : IAsyncLifetime
{
    private MailboxHarness _mailbox = null!;
    private OutboundDeliveryService Queue => _mailbox.Services.GetRequiredService<OutboundDeliveryService>();

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        _mailbox = await MailboxHarness.CreateAsync(await servers.CreateDatabaseAsync("outbound"), servers.Redis.ConnectionString);
    }

    public async Task DisposeAsync() => await _mailbox.DisposeAsync();

    [Fact]
    public async Task Concurrent_claimers_get_disjoint_sets_and_together_every_recipient()
    {
        var sender = await _mailbox.CreateGrantAsync();
        var expected = new HashSet<(Guid, string)>();
        for (var m = 0; m < 6; m++)
        {
            var recipients = Enumerable.Range(0, 10).Select(i => $"r{m}-{i}@remote.test").ToArray();
            var submitted = await _mailbox.Messages.SubmitAsync(sender.Id, TestMessages.Create($"m{m}"), sender.Email, recipients, default);
            foreach (var r in recipients)
                expected.Add((submitted.OutboundId, r));
        }

        var claimed = new ConcurrentBag<(Guid, string)>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var claims = await Queue.ClaimDueAsync(7, TimeSpan.FromMinutes(5), default);
                if (claims.Count == 0)
                    return;
                foreach (var claim in claims)
                {
                    Assert.Equal(sender.Id, claim.GrantId);
                    Assert.Equal(sender.Email, claim.EnvelopeFrom);
                    foreach (var r in claim.Recipients)
                        claimed.Add((claim.OutboundId, r.Address));
                }
            }
        })));

        Assert.Equal(expected.Count, claimed.Count); // no recipient claimed twice
        Assert.True(expected.SetEquals(claimed));
    }

    [Fact]
    public async Task A_lease_keeps_others_away_until_it_runs_out_and_a_stale_claim_records_nothing()
    {
        var sender = await _mailbox.CreateGrantAsync();
        await _mailbox.Messages.SubmitAsync(sender.Id, TestMessages.Create(), sender.Email, ["lease@remote.test"], default);

        var first = Assert.Single(await Queue.ClaimDueAsync(10, TimeSpan.FromMilliseconds(300), default));
        Assert.Empty(await Queue.ClaimDueAsync(10, TimeSpan.FromMinutes(5), default));
        await Task.Delay(400);
        var second = Assert.Single(await Queue.ClaimDueAsync(10, TimeSpan.FromMinutes(5), default));
        Assert.Equal(first.OutboundId, second.OutboundId);
        Assert.NotEqual(first.ClaimId, second.ClaimId);

        // The first worker comes back late: its outcome is not recorded, the new claim's is.
        Assert.Equal(0, await Queue.RecordAsync(first, [new DeliveryOutcome("lease@remote.test", DeliveryOutcomeKind.Delivered, "250 ok")], null, default));
        Assert.Equal(1, await Queue.RecordAsync(second, [new DeliveryOutcome("lease@remote.test", DeliveryOutcomeKind.Delivered, "250 ok")], null, default));
        Assert.Single(await _mailbox.EventsAsync(sender.Id), e => e.Type == "message.delivered");
    }

    [Fact]
    public async Task Delivered_writes_its_event_with_the_sent_copy_and_the_last_final_recipient_releases_the_blob()
    {
        var sender = await _mailbox.CreateGrantAsync();
        var content = TestMessages.Create("release", body: "unique " + Guid.NewGuid());
        var submitted = await _mailbox.Messages.SubmitAsync(sender.Id, content, sender.Email, ["a@remote.test", "b@remote.test"], default);
        Assert.Equal(2, await RefCountAsync(content.Sha256)); // the Sent copy and the queue

        var claim = Assert.Single(await Queue.ClaimDueAsync(10, TimeSpan.FromMinutes(5), default));
        Assert.Equal(["a@remote.test", "b@remote.test"], claim.Recipients.Select(r => r.Address));
        await Queue.RecordAsync(claim, [new DeliveryOutcome("a@remote.test", DeliveryOutcomeKind.Delivered, "250 2.0.0 queued as A") { RemoteMta = "mx.remote.test", Status = "2.0.0" }], null, default);
        Assert.Equal(2, await RefCountAsync(content.Sha256)); // b is still queued

        var delivered = Assert.Single(await _mailbox.EventsAsync(sender.Id), e => e.Type == "message.delivered");
        Assert.Equal(submitted.SentCopy.Id.ToString(), delivered.ObjectId);
        using (var payload = JsonDocument.Parse(delivered.Payload))
        {
            var root = payload.RootElement;
            Assert.Equal("delivery", root.GetProperty("object").GetString());
            Assert.Equal("delivered", root.GetProperty("status").GetString());
            Assert.Equal("a@remote.test", root.GetProperty("recipient").GetString());
            Assert.Equal(1, root.GetProperty("attempts").GetInt32());
            Assert.Equal("250 2.0.0 queued as A", root.GetProperty("response").GetString());
            Assert.Equal("mx.remote.test", root.GetProperty("remote_mta").GetString());
            Assert.Equal(submitted.SentCopy.Id.ToString(), root.GetProperty("message").GetProperty("id").GetString());
            Assert.Equal(submitted.OutboundId.ToString(), root.GetProperty("outbound_id").GetString());
        }

        await Queue.RecordAsync(claim, [new DeliveryOutcome("b@remote.test", DeliveryOutcomeKind.Delivered, "250 ok")], null, default);
        Assert.Equal(1, await RefCountAsync(content.Sha256)); // only the Sent copy now
        Assert.Equal(0L, await _mailbox.ScalarAsync<long>("SELECT count(*) FROM outbound_recipients WHERE outbound_id = $1 AND (status = 'queued' OR final_at IS NULL OR claim_id IS NOT NULL)", submitted.OutboundId));

        // Recording again changes nothing and releases nothing twice.
        Assert.Equal(0, await Queue.RecordAsync(claim, [new DeliveryOutcome("b@remote.test", DeliveryOutcomeKind.Delivered, "250 ok")], null, default));
        Assert.Equal(1, await RefCountAsync(content.Sha256));
        await _mailbox.Messages.DeleteAsync(sender.Id, MessageSelection.Ids(submitted.SentCopy.Id), default);
        await _mailbox.Messages.DeleteAsync(sender.Id, MessageSelection.Ids(submitted.SentCopy.Id), default);
        Assert.Equal(0L, await _mailbox.ScalarAsync<long>("SELECT count(*) FROM blobs WHERE sha256 = $1", content.Sha256));
    }

    [Fact]
    public async Task The_queue_keeps_the_bytes_after_the_sent_copy_is_deleted()
    {
        var sender = await _mailbox.CreateGrantAsync();
        var content = TestMessages.Create("kept", body: "unique " + Guid.NewGuid());
        var submitted = await _mailbox.Messages.SubmitAsync(sender.Id, content, sender.Email, ["kept@remote.test"], default);
        await _mailbox.Messages.DeleteAsync(sender.Id, MessageSelection.Ids(submitted.SentCopy.Id), default);
        await _mailbox.Messages.DeleteAsync(sender.Id, MessageSelection.Ids(submitted.SentCopy.Id), default);

        var claim = Assert.Single(await Queue.ClaimDueAsync(10, TimeSpan.FromMinutes(5), default));
        Assert.Equal(content.Raw.ToArray(), await Queue.ReadMessageAsync(claim, default));
        await Queue.RecordAsync(claim, [new DeliveryOutcome("kept@remote.test", DeliveryOutcomeKind.Delivered, "250 ok")], null, default);
        Assert.Equal(0L, await _mailbox.ScalarAsync<long>("SELECT count(*) FROM blobs WHERE sha256 = $1", content.Sha256));
        var delivered = Assert.Single(await _mailbox.EventsAsync(sender.Id), e => e.Type == "message.delivered");
        Assert.Equal(submitted.OutboundId.ToString(), delivered.ObjectId); // no Sent copy left to name
    }

    [Fact]
    public async Task Deferred_counts_the_attempt_and_waits_without_an_event()
    {
        var sender = await _mailbox.CreateGrantAsync();
        var submitted = await _mailbox.Messages.SubmitAsync(sender.Id, TestMessages.Create(), sender.Email, ["later@remote.test"], default);
        var claim = Assert.Single(await Queue.ClaimDueAsync(10, TimeSpan.FromMinutes(5), default));
        var retryAt = DateTimeOffset.UtcNow.AddMilliseconds(300);
        await Queue.RecordAsync(claim, [new DeliveryOutcome("later@remote.test", DeliveryOutcomeKind.Deferred, "451 4.3.0 try later") { RetryAt = retryAt }], null, default);

        Assert.DoesNotContain(await _mailbox.EventsAsync(sender.Id), e => e.Type is "message.delivered" or "message.bounced");
        Assert.Equal("451 4.3.0 try later", await _mailbox.ScalarAsync<string>("SELECT last_response FROM outbound_recipients WHERE outbound_id = $1", submitted.OutboundId));
        Assert.Empty(await Queue.ClaimDueAsync(10, TimeSpan.FromMinutes(5), default));
        await Task.Delay(400);
        var again = Assert.Single(await Queue.ClaimDueAsync(10, TimeSpan.FromMinutes(5), default));
        Assert.Equal(1, Assert.Single(again.Recipients).Attempts);
    }

    [Fact]
    public async Task Failed_writes_message_bounced_and_stores_the_bounce_in_the_senders_inbox_in_one_transaction()
    {
        var sender = await _mailbox.CreateGrantAsync();
        var content = TestMessages.Create("will bounce", body: "unique " + Guid.NewGuid());
        var submitted = await _mailbox.Messages.SubmitAsync(sender.Id, content, sender.Email, ["nobody@remote.test"], default);
        var claim = Assert.Single(await Queue.ClaimDueAsync(10, TimeSpan.FromMinutes(5), default));
        var bounce = TestMessages.Create("Undelivered Mail Returned to Sender", from: "MAILER-DAEMON@agentmail.test", to: sender.Email);

        await Queue.RecordAsync(claim, [new DeliveryOutcome("nobody@remote.test", DeliveryOutcomeKind.Failed, "550 5.1.1 No such user") { Status = "5.1.1" }], bounce, default);

        var events = await _mailbox.EventsAsync(sender.Id);
        var bounced = Assert.Single(events, e => e.Type == "message.bounced");
        using (var payload = JsonDocument.Parse(bounced.Payload))
        {
            Assert.Equal("bounced", payload.RootElement.GetProperty("status").GetString());
            Assert.Equal("5.1.1", payload.RootElement.GetProperty("status_code").GetString());
            Assert.Equal("550 5.1.1 No such user", payload.RootElement.GetProperty("response").GetString());
        }
        var inbox = await _mailbox.FolderAsync(sender.Id, SystemFolder.InboxRole);
        var stored = Assert.Single(await _mailbox.Messages.GetByUidsAsync(sender.Id, inbox.Id, [new UidRange(1, long.MaxValue)], default));
        Assert.Equal("Undelivered Mail Returned to Sender", stored.Subject);
        Assert.Contains(events, e => e.Type == "message.created" && e.ObjectId == stored.Id.ToString());
        Assert.Equal(1, await RefCountAsync(content.Sha256));
        Assert.Equal("failed", await _mailbox.ScalarAsync<string>("SELECT status FROM outbound_recipients WHERE outbound_id = $1", submitted.OutboundId));
    }

    [Fact]
    public async Task A_bounce_the_senders_quota_refuses_is_dropped_but_the_failure_is_recorded()
    {
        var sender = await _mailbox.CreateGrantAsync(quotaBytes: 4096);
        await _mailbox.Messages.SubmitAsync(sender.Id, TestMessages.Create("small"), sender.Email, ["nobody@remote.test"], default);
        var claim = Assert.Single(await Queue.ClaimDueAsync(10, TimeSpan.FromMinutes(5), default));
        var bounce = TestMessages.Create("too big for the quota", padToBytes: 8192);

        Assert.Equal(1, await Queue.RecordAsync(claim, [new DeliveryOutcome("nobody@remote.test", DeliveryOutcomeKind.Failed, "550 no")], bounce, default));

        Assert.Single(await _mailbox.EventsAsync(sender.Id), e => e.Type == "message.bounced");
        var inbox = await _mailbox.FolderAsync(sender.Id, SystemFolder.InboxRole);
        Assert.Empty(await _mailbox.Messages.GetByUidsAsync(sender.Id, inbox.Id, [new UidRange(1, long.MaxValue)], default));
        Assert.Equal(0L, await _mailbox.ScalarAsync<long>("SELECT count(*) FROM threads WHERE grant_id = $1 AND base_subject LIKE '%quota%'", sender.Id));
    }

    [Fact]
    public async Task Local_delivery_stores_one_copy_in_the_recipients_inbox_and_records_delivered_together()
    {
        var sender = await _mailbox.CreateGrantAsync();
        var recipient = await _mailbox.CreateGrantAsync();
        var submitted = await _mailbox.Messages.SubmitAsync(sender.Id, TestMessages.Create("hello colleague"), sender.Email, [recipient.Email], default);
        var claim = Assert.Single(await Queue.ClaimDueAsync(10, TimeSpan.FromMinutes(5), default));
        var copy = TestMessages.Create("hello colleague");

        Assert.True(await Queue.DeliverLocallyAsync(claim, recipient.Email, recipient.Id, copy, default));
        Assert.False(await Queue.DeliverLocallyAsync(claim, recipient.Email, recipient.Id, copy, default)); // already final

        var inbox = await _mailbox.FolderAsync(recipient.Id, SystemFolder.InboxRole);
        var stored = Assert.Single(await _mailbox.Messages.GetByUidsAsync(recipient.Id, inbox.Id, [new UidRange(1, long.MaxValue)], default));
        Assert.Contains(await _mailbox.EventsAsync(recipient.Id), e => e.Type == "message.created" && e.ObjectId == stored.Id.ToString());
        var delivered = Assert.Single(await _mailbox.EventsAsync(sender.Id), e => e.Type == "message.delivered");
        Assert.Equal(submitted.SentCopy.Id.ToString(), delivered.ObjectId);
        Assert.Equal("delivered", await _mailbox.ScalarAsync<string>("SELECT status FROM outbound_recipients WHERE outbound_id = $1", submitted.OutboundId));
    }

    [Fact]
    public async Task A_local_delivery_refused_by_quota_changes_nothing()
    {
        var sender = await _mailbox.CreateGrantAsync();
        var recipient = await _mailbox.CreateGrantAsync(quotaBytes: 100);
        await _mailbox.Messages.SubmitAsync(sender.Id, TestMessages.Create("big"), sender.Email, [recipient.Email], default);
        var claim = Assert.Single(await Queue.ClaimDueAsync(10, TimeSpan.FromMinutes(5), default));

        var error = await Assert.ThrowsAsync<AgentMail.Mailbox.MailboxException>(() =>
            Queue.DeliverLocallyAsync(claim, recipient.Email, recipient.Id, TestMessages.Create("big", padToBytes: 1000), default));
        Assert.Equal(AgentMail.Mailbox.MailboxError.QuotaExceeded, error.Error);
        Assert.Equal("queued", await _mailbox.ScalarAsync<string>("SELECT status FROM outbound_recipients WHERE outbound_id = $1", claim.OutboundId));
        Assert.DoesNotContain(await _mailbox.EventsAsync(sender.Id), e => e.Type == "message.delivered");
    }

    [Fact]
    public async Task Finished_records_are_pruned_and_queued_ones_never()
    {
        var sender = await _mailbox.CreateGrantAsync();
        var done = await _mailbox.Messages.SubmitAsync(sender.Id, TestMessages.Create("done"), sender.Email, ["done@remote.test"], default);
        var claim = Assert.Single(await Queue.ClaimDueAsync(10, TimeSpan.FromMinutes(5), default));
        await Queue.RecordAsync(claim, [new DeliveryOutcome("done@remote.test", DeliveryOutcomeKind.Delivered, "250 ok")], null, default);
        var waiting = await _mailbox.Messages.SubmitAsync(sender.Id, TestMessages.Create("waiting"), sender.Email, ["waiting@remote.test"], default);

        Assert.Equal(0, await Queue.PruneFinishedAsync(DateTimeOffset.UtcNow.AddHours(-1), default)); // not old enough
        Assert.Equal(1, await Queue.PruneFinishedAsync(DateTimeOffset.UtcNow.AddSeconds(1), default));
        Assert.Equal(0L, await _mailbox.ScalarAsync<long>("SELECT count(*) FROM outbound_messages WHERE id = $1", done.OutboundId));
        Assert.Equal(1L, await _mailbox.ScalarAsync<long>("SELECT count(*) FROM outbound_recipients WHERE outbound_id = $1 AND status = 'queued'", waiting.OutboundId));
    }

    private Task<int> RefCountAsync(byte[] sha256) => _mailbox.ScalarAsync<int>("SELECT ref_count FROM blobs WHERE sha256 = $1", sha256);
}
