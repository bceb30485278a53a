using System.Threading.Channels;
using AgentMail.Webhooks.Core.Http;
using Npgsql;
using NpgsqlTypes;

namespace AgentMail.Webhooks.Dispatch;

/// <summary>
/// Records how attempts went — the attempt row, and the delivery moved on: delivered, due again
/// after its retry delay, or failed (not retryable, or past its retry period). Outcomes that
/// arrive while a write is running go together in the next one, so under load many attempts cost
/// one statement. Only the holder of a delivery's current claim changes it.
/// </summary>
public sealed partial class OutcomeRecorder : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private const string Sql = """
        WITH o AS (
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::integer[], $4::boolean[], $5::boolean[], $6::interval[],
                                 $7::integer[], $8::text[], $9::text[], $10::timestamptz[], $11::integer[])
                AS o(delivery_id, destination_id, attempt, succeeded, retryable, delay, status_code, error, response_body, started_at, duration_ms)
        ), deliveries AS (
            UPDATE webhook_deliveries w SET
                status = CASE WHEN o.succeeded THEN 'delivered'
                              WHEN o.retryable AND clock_timestamp() + o.delay <= w.retry_until THEN 'pending'
                              ELSE 'failed' END,
                completed_at = CASE WHEN NOT o.succeeded AND o.retryable AND clock_timestamp() + o.delay <= w.retry_until
                                    THEN NULL ELSE clock_timestamp() END,
                next_attempt_at = CASE WHEN o.succeeded THEN w.next_attempt_at ELSE clock_timestamp() + o.delay END,
                leased_until = NULL, leased_by = NULL, leased_at = NULL,
                last_status_code = o.status_code,
                last_error = CASE WHEN o.succeeded THEN NULL ELSE o.error END
            FROM o WHERE w.id = o.delivery_id AND w.attempts = o.attempt AND w.leased_by = $12
            RETURNING w.id, w.status
        ), attempts AS (
            INSERT INTO webhook_attempts (delivery_id, destination_id, attempt, outcome, status_code, error, response_body, worker, started_at, finished_at, duration_ms)
            SELECT o.delivery_id, o.destination_id, o.attempt, CASE WHEN o.succeeded THEN 'succeeded' ELSE 'failed' END,
                   o.status_code, o.error, o.response_body, $12, o.started_at, clock_timestamp(), o.duration_ms
            FROM o WHERE EXISTS (SELECT 1 FROM webhook_deliveries x WHERE x.id = o.delivery_id)
        )
        SELECT id, status FROM deliveries
        """;


    private readonly DispatcherDatabase _database;
    private readonly WorkerIdentity _worker;
    private readonly Channel<Outcome> _queue = Channel.CreateUnbounded<Outcome>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public OutcomeRecorder(DispatcherDatabase database, WorkerIdentity worker)
    {
        _database = database;
        _worker = worker;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Records one attempt; completes with the delivery's new status (pending, delivered, failed),
    /// or null when this worker no longer held the claim. Throws when the store is unreachable.
    /// </summary>
    public Task<string?> RecordAsync(ClaimedDelivery delivery, SendResult result, TimeSpan retryDelay)
    {
        var outcome = new Outcome(delivery, result, retryDelay, new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(outcome))
            outcome.Recorded.SetException(new ObjectDisposedException(nameof(OutcomeRecorder)));
        return outcome.Recorded.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Outcome>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var outcome))
                batch.Add(outcome);
            try
            {
                var statuses = await WriteAsync(batch).ConfigureAwait(false);
                foreach (var outcome in batch)
                    outcome.Recorded.SetResult(statuses.GetValueOrDefault(outcome.Delivery.Id));
            }
            catch (PostgresException) when (batch.Count > 1)
            {
                // One outcome the store refuses (its delivery deleted at that very moment) must not
                // cost the others theirs: write them one by one.
                foreach (var outcome in batch)
                    await WriteAloneAsync(outcome).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                foreach (var outcome in batch)
                    outcome.Recorded.SetException(e);
            }
        }
    }

    private async Task WriteAloneAsync(Outcome outcome)
    {
        try
        {
            var statuses = await WriteAsync([outcome]).ConfigureAwait(false);
            outcome.Recorded.SetResult(statuses.GetValueOrDefault(outcome.Delivery.Id));
        }
        catch (Exception e)
        {
            outcome.Recorded.SetException(e);
        }
    }

    private async Task<Dictionary<Guid, string>> WriteAsync(List<Outcome> batch)
    {
        await using var connection = await _database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.AddWithValue(batch.Select(o => o.Delivery.Id).ToArray());
        command.Parameters.AddWithValue(batch.Select(o => o.Delivery.DestinationId).ToArray());
        command.Parameters.AddWithValue(batch.Select(o => o.Delivery.Attempt).ToArray());
        command.Parameters.AddWithValue(batch.Select(o => o.Result.Succeeded).ToArray());
        command.Parameters.AddWithValue(batch.Select(o => o.Result.Retryable).ToArray());
        command.Parameters.AddWithValue(batch.Select(o => o.RetryDelay).ToArray());
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(o => o.Result.StatusCode).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(o => o.Result.Error).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(o => o.Result.ResponseBody).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.AddWithValue(batch.Select(o => o.Delivery.StartedAt).ToArray());
        command.Parameters.AddWithValue(batch.Select(o => (int)Math.Min(int.MaxValue, o.Result.Duration.TotalMilliseconds)).ToArray());
        command.Parameters.AddWithValue(_worker.Name);
        var statuses = new Dictionary<Guid, string>(batch.Count);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
            statuses[reader.GetGuid(0)] = reader.GetString(1);
        return statuses;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private sealed record Outcome(ClaimedDelivery Delivery, SendResult Result, TimeSpan RetryDelay, TaskCompletionSource<string?> Recorded);
}
