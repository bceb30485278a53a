using System.Diagnostics;
using AgentMail.Mailbox.Hosting;
using AgentMail.Webhooks.Core;
using AgentMail.Webhooks.Core.Http;
using AgentMail.Webhooks.Core.Payloads;
using Microsoft.Extensions.Options;

namespace AgentMail.Webhooks.Dispatch;

/// <summary>
/// Makes one attempt of a claimed delivery: builds the notification (the envelope with this
/// attempt's number, truncated above the size limit, gzip if asked), signs it with the
/// destination's current secret, POSTs it and records the outcome.
/// </summary>
public sealed partial class DeliveryRunner(
    NotificationObjects objects,
    WebhookSender sender,
    OutcomeRecorder recorder,
    IOptionsMonitor<WebhooksOptions> options,
    IOptions<MailboxOptions> mailbox,
    TimeProvider clock,
    ILogger<DeliveryRunner> logger)
{
    /// <summary>
    /// Runs the attempt; returns when the next attempt is due, if the delivery is to be retried.
    /// <paramref name="abort"/> cuts the attempt off (the worker is stopping): it is recorded as
    /// failed and due again at once.
    /// </summary>
    public async Task<TimeSpan?> RunAsync(ClaimedDelivery delivery, CancellationToken abort)
    {
        var settings = options.CurrentValue;
        using var activity = WebhooksTelemetry.ActivitySource.StartActivity("webhook deliver", ActivityKind.Producer);
        activity?.SetTag("webhook.delivery_id", delivery.Id);
        activity?.SetTag("webhook.destination_id", delivery.DestinationId);
        activity?.SetTag("webhook.event_type", delivery.Event.Type);
        activity?.SetTag("webhook.attempt", delivery.Attempt);

        SendResult result;
        var delay = TimeSpan.Zero;
        try
        {
            var notificationObject = await objects.CreateAsync(delivery.Event, abort).ConfigureAwait(false);
            var header = new NotificationHeader(delivery.Event.Type, delivery.Id.ToString(),
                delivery.Event.CreatedAt.ToUnixTimeSeconds(), delivery.Attempt, mailbox.Value.ApplicationId);
            var (_, json) = NotificationPayload.Create(header, notificationObject, settings.MaxPayloadBytes);
            var request = NotificationPayload.Sign(new Uri(delivery.WebhookUrl), json, delivery.CompressedDelivery, delivery.Secret);
            result = await sender.PostAsync(request, abort).ConfigureAwait(false);
            delay = RetrySchedule.After(delivery.Attempt, result.RetryAfter, settings);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            result = new SendResult(false, true, null, "The dispatcher stopped during this attempt; another worker retries it.", null, TimeSpan.Zero);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The notification could not be built (the store failed mid-read): a failed attempt, retried.
            LogBuildFailed(logger, delivery.Id, e);
            result = new SendResult(false, true, null, $"The notification could not be built: {e.Message}", null, TimeSpan.Zero);
            delay = RetrySchedule.After(delivery.Attempt, null, settings);
        }

        var status = await recorder.RecordAsync(delivery, result, delay).ConfigureAwait(false);

        var outcome = result.Succeeded ? "succeeded" : "failed";
        WebhooksMetrics.Attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        WebhooksMetrics.AttemptDuration.Record(result.Duration.TotalSeconds);
        if (result.Succeeded && delivery.Attempt == 1)
            WebhooksMetrics.EventToDelivery.Record((clock.GetUtcNow() - delivery.Event.CreatedAt).TotalSeconds);
        activity?.SetTag("http.response.status_code", result.StatusCode);
        if (!result.Succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Error);
            LogAttemptFailed(logger, delivery.Id, delivery.Attempt, delivery.WebhookUrl, result.Error, status ?? "lost claim");
        }
        return status == Core.Deliveries.DeliveryStatus.Pending ? delay : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} attempt {Attempt} to {Url} failed: {Error} (now {Status})")]
    private static partial void LogAttemptFailed(ILogger logger, Guid deliveryId, int attempt, string url, string? error, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Building the notification of delivery {DeliveryId} failed")]
    private static partial void LogBuildFailed(ILogger logger, Guid deliveryId, Exception e);
}
