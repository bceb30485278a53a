using System.Collections.Concurrent;
using AgentMail.Imap.Storage;
using AgentMail.Mailbox.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMail.Imap.Session;

/// <summary>
/// The signed-in sessions of this process. On a timer it (1) polls Postgres once for all of them —
/// each grant's credential version and each selected folder's HIGHESTMODSEQ — so a lost Redis
/// notification costs at most <see cref="ImapOptions.ChangePollInterval"/>, and (2) renews their
/// connection slots in Redis, which expire when a replica dies. On shutdown every session says BYE.
/// </summary>
public sealed partial class SessionRegistry(ImapStore store, IOptions<ImapOptions> options, TimeProvider clock, ILogger<SessionRegistry> logger) : BackgroundService
{
    /// <summary>This process among the replicas (lease holders are "process:connection").</summary>
    public static string ProcessId { get; } = Guid.NewGuid().ToString("N")[..12];

    private readonly ConcurrentDictionary<ImapSession, byte> _sessions = new();

    public int Count => _sessions.Count;

    /// <summary>The Redis key of a grant's connection slots (a sorted set scored by expiry).</summary>
    public static string LeaseKey(Guid grantId) => $"agentmail:imap:connections:{grantId:N}";

    public void Add(ImapSession session) => _sessions.TryAdd(session, 0);

    public void Remove(ImapSession session) => _sessions.TryRemove(session, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var poll = settings.ChangePollInterval;
        var renewEvery = settings.ConnectionLeaseTtl / 3;
        var lastRenewal = clock.GetUtcNow();
        using var timer = new PeriodicTimer(poll < renewEvery ? poll : renewEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await PollAsync(stoppingToken).ConfigureAwait(false);
                    if (clock.GetUtcNow() - lastRenewal >= renewEvery)
                    {
                        lastRenewal = clock.GetUtcNow();
                        await Task.WhenAll(_sessions.Keys.Select(s => s.RenewLeaseAsync())).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is StoreUnavailableException or Npgsql.NpgsqlException or TimeoutException)
                {
                    LogPollFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One query for every session; each is told what the notifications may have missed.</summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        var sessions = _sessions.Keys.Where(s => s.Grant is not null).ToList();
        if (sessions.Count == 0) return;
        var grants = sessions.Select(s => s.GrantId).Distinct().ToArray();
        var folders = sessions.Select(s => s.Selected?.FolderId ?? 0).Where(id => id != 0).Distinct().ToArray();
        var (credentials, modSeqs) = await store.PollAsync(grants, folders, cancellationToken).ConfigureAwait(false);
        foreach (var session in sessions)
        {
            var folderId = session.Selected?.FolderId ?? 0;
            session.OnPoll(credentials.TryGetValue(session.GrantId, out var version) ? version : null,
                modSeqs.TryGetValue(folderId, out var modSeq) ? modSeq : null, folderId);
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var session in _sessions.Keys) session.OnShutdown();
        return base.StopAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "IMAP change poll failed; retrying at the next interval")]
    private static partial void LogPollFailed(ILogger logger, Exception e);
}
