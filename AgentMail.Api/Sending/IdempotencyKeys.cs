using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Mailbox.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentMail.Api.Sending;

/// <summary>A response remembered for an Idempotency-Key.</summary>
public sealed record StoredResponse(int StatusCode, byte[] Body);

/// <summary>
/// Nylas's <c>Idempotency-Key</c> for sends, in Postgres so that every replica sees it: per grant and
/// key, the first request claims the key, runs, and stores its answer (success or refusal); a retry
/// with the same request gets that answer again (<c>Idempotent-Response: true</c>), with another
/// request a 409, while the first still runs a 409 too. Keys expire after
/// <see cref="ApiOptions.IdempotencyKeyLifetime"/>. A server error releases the key, since nothing
/// was sent and the client should be able to retry.
/// </summary>
public sealed class IdempotencyKeys(MailboxDatabase database, IOptions<ApiOptions> options)
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayHeaderName = "Idempotent-Response";
    public const int MaxKeyLength = 256;

    /// <summary>The request's key, validated; null when it has none.</summary>
    public static string? Read(HttpRequest request)
    {
        var values = request.Headers[HeaderName];
        if (values.Count == 0)
            return null;
        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || key.Any(c => c < ' ' || c > '~'))
            throw new ApiException(StatusCodes.Status400BadRequest, Infrastructure.Errors.ApiErrorTypes.InvalidIdempotencyKey,
                $"Idempotency-Key must be one value of 1 to {MaxKeyLength} printable ASCII characters.");
        return key;
    }

    /// <summary>Claims the key for this request; or returns the answer already given for it.</summary>
    public async Task<StoredResponse?> ClaimAsync(Guid grantId, string key, byte[] requestDigest, CancellationToken cancellationToken)
    {
        var lifetime = options.Value.IdempotencyKeyLifetime;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command("DELETE FROM api_idempotency_keys WHERE grant_id = $1 AND created_at < now() - $2", grantId, lifetime),
                Command("""
                    INSERT INTO api_idempotency_keys (grant_id, key, request_hash) VALUES ($1, $2, $3)
                    ON CONFLICT (grant_id, key) DO NOTHING
                    """, grantId, key, requestDigest),
                Command("SELECT request_hash, status_code, response FROM api_idempotency_keys WHERE grant_id = $1 AND key = $2", grantId, key),
            },
        };
        byte[] storedDigest;
        int? status;
        byte[]? response;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            // Statements without rows (the DELETE, the INSERT) yield no result set to step over.
            while (reader.FieldCount == 0 && await reader.NextResultAsync(cancellationToken))
            {
            }
            if (!await reader.ReadAsync(cancellationToken))
                throw new InvalidOperationException("The idempotency key row vanished.");
            storedDigest = reader.GetFieldValue<byte[]>(0);
            status = reader.IsDBNull(1) ? null : reader.GetInt32(1);
            response = reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2);
        }
        if (batch.BatchCommands[1].RecordsAffected == 1)
            return null;
        if (!storedDigest.AsSpan().SequenceEqual(requestDigest))
            throw ApiException.Conflict("The Idempotency-Key was reused with a different request payload. Use a different key, or match the original payload.",
                Infrastructure.Errors.ApiErrorTypes.IdempotencyMismatch);
        if (status is null || response is null)
            throw ApiException.Conflict("A request with the same Idempotency-Key is currently in progress. Wait a moment and retry with the same key.",
                Infrastructure.Errors.ApiErrorTypes.IdempotencyInFlight);
        return new StoredResponse(status.Value, response);
    }

    public async Task CompleteAsync(Guid grantId, string key, StoredResponse response, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("UPDATE api_idempotency_keys SET status_code = $3, response = $4 WHERE grant_id = $1 AND key = $2", connection);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(response.StatusCode);
        command.Parameters.AddWithValue(response.Body);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ReleaseAsync(Guid grantId, string key)
    {
        try
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            await using var command = new NpgsqlCommand("DELETE FROM api_idempotency_keys WHERE grant_id = $1 AND key = $2 AND status_code IS NULL", connection);
            command.Parameters.AddWithValue(grantId);
            command.Parameters.AddWithValue(key);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (StoreUnavailableException)
        {
            // The store is down: the claim stays until it expires, and retries get a 409 until then.
        }
    }

    /// <summary>Removes keys past their lifetime for every grant (grants that send often clean up on each claim).</summary>
    public async Task<int> RemoveExpiredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM api_idempotency_keys WHERE created_at < now() - $1", connection);
        command.Parameters.AddWithValue(options.Value.IdempotencyKeyLifetime);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
            command.Parameters.AddWithValue(parameter);
        return command;
    }
}
