using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Grants;

namespace AgentMail.Smtp.Submission;

/// <summary>
/// Watches a signed-in grant for an app-password change or deletion (the core's change feed,
/// fed by Redis across replicas). The session then ends at its next command with 421 4.7.0; a
/// lost notification is caught by the version check at each MAIL.
/// </summary>
internal sealed class CredentialWatch : IAsyncDisposable
{
    private IAsyncDisposable? _subscription;
    private int _revoked;

    private CredentialWatch(Guid grantId, int version)
    {
        GrantId = grantId;
        Version = version;
    }

    public Guid GrantId { get; }
    public int Version { get; }
    public bool Revoked => Volatile.Read(ref _revoked) == 1;

    public void Revoke() => Volatile.Write(ref _revoked, 1);

    public static async Task<CredentialWatch> StartAsync(ChangeFeed feed, Grant grant)
    {
        var watch = new CredentialWatch(grant.Id, grant.CredentialVersion);
        watch._subscription = await feed.SubscribeAsync(grant.Id, watch.OnChange).ConfigureAwait(false);
        return watch;
    }

    private void OnChange(MailboxChange change)
    {
        if (change.Kind == ChangeKind.GrantDeleted || change.Kind == ChangeKind.Credentials && change.CredentialVersion != Version)
            Revoke();
    }

    public ValueTask DisposeAsync() => _subscription?.DisposeAsync() ?? ValueTask.CompletedTask;
}
