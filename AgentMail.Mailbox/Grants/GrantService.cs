using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Hosting;
using AgentMail.Mailbox.Objects;
using AgentMail.Mailbox.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentMail.Mailbox.Grants;

public sealed record CreateGrantRequest(string Email, string? Name = null, string? AppPassword = null, long? QuotaBytes = null);

/// <summary>A change to a grant; null members are left as they are.</summary>
public sealed record GrantUpdate
{
    public string? Name { get; init; }

    /// <summary>Sets or rotates the app password; ends every open IMAP/SMTP session of the grant.</summary>
    public string? AppPassword { get; init; }

    /// <summary>Removes the app password: every IMAP/SMTP sign-in is refused from then on.</summary>
    public bool RemoveAppPassword { get; init; }
    public long? QuotaBytes { get; init; }
}

/// <summary>Creates, reads, changes and deletes grants (agent accounts) and their credentials.</summary>
public sealed class GrantService(MailboxDatabase database, ChangePublisher publisher, IOptions<MailboxOptions> options, TimeProvider clock)
{
    private const string Columns = """
        g.id, g.email, g.name, g.provider, g.grant_status, g.app_password_hash IS NOT NULL, g.credential_version, g.quota_bytes,
        (SELECT COALESCE(sum(size_bytes), 0)::bigint FROM folders WHERE folders.grant_id = g.id), g.created_at, g.updated_at
        """;

    public async Task<Grant> CreateAsync(CreateGrantRequest request, CancellationToken cancellationToken)
    {
        var email = request.Email?.Trim() ?? "";
        if (EmailAddressRules.Validate(email) is { } invalidEmail)
            throw new MailboxException(MailboxError.InvalidEmail, invalidEmail);
        if (request.QuotaBytes is < 0)
            throw new MailboxException(MailboxError.InvalidArgument, "quota_bytes must not be negative.");
        // Hash before opening the transaction: bcrypt is deliberately slow.
        var hash = request.AppPassword is null ? null : HashValid(request.AppPassword);

        var id = Guid.CreateVersion7();
        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        await using (var insert = tx.Command("""
            INSERT INTO grants (id, email, email_key, name, app_password_hash, credential_version, quota_bytes)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (email_key) DO NOTHING
            """))
        {
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(email);
            insert.Parameters.AddWithValue(EmailAddressRules.Key(email));
            insert.Parameters.AddWithValue((object?)request.Name ?? DBNull.Value);
            insert.Parameters.AddWithValue((object?)hash ?? DBNull.Value);
            insert.Parameters.AddWithValue(hash is null ? 0 : 1);
            insert.Parameters.AddWithValue(request.QuotaBytes ?? options.Value.DefaultQuotaBytes);
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                throw new MailboxException(MailboxError.GrantAlreadyExists, $"A grant for {email} already exists.");
        }

        // UIDVALIDITY comes from the shared sequence: unique across every folder of every grant.
        await using (var folders = tx.Command("""
            INSERT INTO folders (grant_id, public_id, name, role)
            SELECT $1, r, n, r FROM unnest($2::text[], $3::text[]) AS s(r, n)
            """))
        {
            folders.Parameters.AddWithValue(id);
            folders.Parameters.AddWithValue(SystemFolder.All.Select(f => f.Role).ToArray());
            folders.Parameters.AddWithValue(SystemFolder.All.Select(f => f.Name).ToArray());
            await folders.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var grant = await ReadAsync(tx.Command($"SELECT {Columns} FROM grants g WHERE g.id = $1"), id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The grant just inserted is missing.");
        tx.AddEvent(id, EventTypes.GrantCreated, id.ToString(), MailboxJson.Serialize(grant.ToObject()));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return grant;
    }

    public async Task<Grant?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(new NpgsqlCommand($"SELECT {Columns} FROM grants g WHERE g.id = $1", connection), id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Grant?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(new NpgsqlCommand($"SELECT {Columns} FROM grants g WHERE g.email_key = $1", connection),
            EmailAddressRules.Key(email), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds a grant by id or by e-mail address (the API's {grant_id} accepts both).</summary>
    public Task<Grant?> ResolveAsync(string idOrEmail, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(idOrEmail, out var id))
            return GetAsync(id, cancellationToken);
        return idOrEmail.Contains('@', StringComparison.Ordinal)
            ? FindByEmailAsync(idOrEmail, cancellationToken)
            : Task.FromResult<Grant?>(null);
    }

    /// <summary>Grants in creation order.</summary>
    public async Task<IReadOnlyList<Grant>> ListAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM grants g ORDER BY g.created_at, g.id LIMIT $1 OFFSET $2", connection);
        command.Parameters.AddWithValue(limit);
        command.Parameters.AddWithValue(offset);
        var grants = new List<Grant>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            grants.Add(ReadGrant(reader));
        return grants;
    }

    public async Task<Grant> UpdateAsync(Guid id, GrantUpdate update, CancellationToken cancellationToken)
    {
        if (update.AppPassword is not null && update.RemoveAppPassword)
            throw new MailboxException(MailboxError.InvalidArgument, "Set or remove the app password, not both.");
        if (update.QuotaBytes is < 0)
            throw new MailboxException(MailboxError.InvalidArgument, "quota_bytes must not be negative.");
        var hash = update.AppPassword is null ? null : HashValid(update.AppPassword);
        var credentialsChange = hash is not null || update.RemoveAppPassword;

        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        await using (var command = tx.Command("""
            UPDATE grants SET
                name = COALESCE($2, name),
                quota_bytes = COALESCE($3, quota_bytes),
                app_password_hash = CASE WHEN $4 THEN $5 ELSE app_password_hash END,
                credential_version = credential_version + CASE WHEN $4 THEN 1 ELSE 0 END,
                updated_at = $6
            WHERE id = $1
            """))
        {
            command.Parameters.AddWithValue(id);
            command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)update.Name ?? DBNull.Value);
            command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)update.QuotaBytes ?? DBNull.Value);
            command.Parameters.AddWithValue(credentialsChange);
            command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)hash ?? DBNull.Value);
            command.Parameters.AddWithValue(clock.GetUtcNow());
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                throw new MailboxException(MailboxError.GrantNotFound, $"Grant {id} does not exist.");
        }
        var grant = await ReadAsync(tx.Command($"SELECT {Columns} FROM grants g WHERE g.id = $1"), id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The grant just updated is missing.");
        tx.AddEvent(id, EventTypes.GrantUpdated, id.ToString(), MailboxJson.Serialize(grant.ToObject()));
        if (credentialsChange)
            tx.Notify(new MailboxChange(id, ChangeKind.Credentials, CredentialVersion: grant.CredentialVersion));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return grant;
    }

    /// <summary>Deletes the grant and everything it owns; its open sessions end.</summary>
    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        var grant = await ReadAsync(tx.Command($"SELECT {Columns} FROM grants g WHERE g.id = $1 FOR UPDATE OF g"), id, cancellationToken).ConfigureAwait(false)
            ?? throw new MailboxException(MailboxError.GrantNotFound, $"Grant {id} does not exist.");

        // Release the grant's references on shared blobs (its messages and queued deliveries),
        // then drop blobs nobody references any more; the cascade removes the rest.
        await using (var release = tx.Command("""
            WITH refs AS (
                SELECT blob_sha256, count(*) AS n FROM (
                    SELECT blob_sha256 FROM messages WHERE grant_id = $1
                    UNION ALL
                    SELECT o.blob_sha256 FROM outbound_messages o WHERE o.grant_id = $1
                        AND EXISTS (SELECT 1 FROM outbound_recipients r WHERE r.outbound_id = o.id AND r.status = 'queued')
                ) AS owned GROUP BY blob_sha256)
            UPDATE blobs SET ref_count = blobs.ref_count - refs.n FROM refs WHERE blobs.sha256 = refs.blob_sha256
            RETURNING blobs.sha256, blobs.ref_count
            """))
        {
            release.Parameters.AddWithValue(id);
            var orphans = new List<byte[]>();
            await using (var reader = await release.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (reader.GetInt32(1) == 0)
                        orphans.Add(reader.GetFieldValue<byte[]>(0));
                }
            }
            await using (var delete = tx.Command("DELETE FROM grants WHERE id = $1"))
            {
                delete.Parameters.AddWithValue(id);
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            if (orphans.Count > 0)
            {
                await using var dropBlobs = tx.Command("DELETE FROM blobs WHERE sha256 = ANY($1) AND ref_count = 0");
                dropBlobs.Parameters.AddWithValue(orphans.ToArray());
                await dropBlobs.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        tx.AddEvent(id, EventTypes.GrantDeleted, id.ToString(), MailboxJson.Serialize(grant.ToObject()));
        tx.Notify(new MailboxChange(id, ChangeKind.GrantDeleted));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The grant and its bcrypt hash, for sign-in only; never exposed beyond the authenticator.</summary>
    internal async Task<(Grant Grant, string? Hash)?> GetCredentialsAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns}, g.app_password_hash FROM grants g WHERE g.email_key = $1", connection);
        command.Parameters.AddWithValue(EmailAddressRules.Key(email));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return null;
        return (ReadGrant(reader), reader.IsDBNull(11) ? null : reader.GetString(11));
    }

    /// <summary>The current credential version, to notice a rotation made through another replica.</summary>
    public async Task<int?> GetCredentialVersionAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT credential_version FROM grants WHERE id = $1", connection);
        command.Parameters.AddWithValue(id);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as int?;
    }

    private string HashValid(string password)
    {
        if (AppPasswordPolicy.Validate(password) is { } broken)
            throw new MailboxException(MailboxError.InvalidAppPassword, broken);
        return AppPasswordHasher.Hash(password, options.Value.BcryptCost);
    }

    private static async Task<Grant?> ReadAsync<T>(NpgsqlCommand command, T key, CancellationToken cancellationToken)
    {
        await using (command)
        {
            command.Parameters.AddWithValue(key!);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadGrant(reader) : null;
        }
    }

    private static Grant ReadGrant(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4),
        r.GetBoolean(5), r.GetInt32(6), r.GetInt64(7), r.GetInt64(8),
        r.GetFieldValue<DateTimeOffset>(9), r.GetFieldValue<DateTimeOffset>(10));
}
