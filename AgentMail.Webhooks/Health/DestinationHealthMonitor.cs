using AgentMail.Mailbox.Hosting;
using AgentMail.Mailbox.Messages;
using AgentMail.Webhooks.Core;
using Microsoft.Extensions.Options;

namespace AgentMail.Webhooks.Health;

/// <summary>
/// Runs <see cref="DestinationHealth"/> every <see cref="WebhooksOptions.HealthCheckInterval"/>,
/// logs each transition and, for one into failing or failed, queues the notice to the
/// destination's <c>notification_email_addresses</c> on the outbound queue the SMTP service works
/// (a "failing" one at most once per <see cref="WebhooksOptions.NotificationInterval"/>).
/// </summary>
/// <remarks>
/// The transition commits before its notice is queued: should the store fail in between, the
/// notice is lost (and logged) while the transition stands. The conditional UPDATE that makes a
/// transition happen once across replicas is what keeps the notice from going out twice.
/// </remarks>
public sealed partial class DestinationHealthMonitor(
    DestinationHealth health,
    MessageService messages,
    IOptionsMonitor<WebhooksOptions> options,
    IOptions<MailboxOptions> mailbox,
    TimeProvider clock,
    ILogger<DestinationHealthMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.CurrentValue.HealthCheckInterval, stoppingToken).ConfigureAwait(false);
            try
            {
                foreach (var change in await health.EvaluateAsync(stoppingToken).ConfigureAwait(false))
                {
                    LogStatusChanged(logger, change.DestinationId, change.WebhookUrl, change.From, change.To,
                        string.Join(", ", change.NotificationEmailAddresses));
                    if (DestinationStatusNotice.IsDue(change) && await health.ClaimNoticeAsync(change, stoppingToken).ConfigureAwait(false))
                        await NotifyAsync(change, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogEvaluationFailed(logger, e);
            }
        }
    }

    private async Task NotifyAsync(StatusChange change, CancellationToken cancellationToken)
    {
        var hostname = mailbox.Value.Hostname;
        var settings = options.CurrentValue;
        var from = string.IsNullOrWhiteSpace(settings.NotificationFrom) ? $"no-reply@{hostname}" : settings.NotificationFrom.Trim();
        try
        {
            var notice = MessageContentReader.Read(DestinationStatusNotice.Build(change, from, hostname, settings, clock.GetUtcNow()));
            await messages.QueueNoticeAsync(notice, from, change.NotificationEmailAddresses, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogNoticeFailed(logger, change.DestinationId, change.To, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook destination {DestinationId} ({Url}) is now {To} (was {From}); notify: {Emails}")]
    private static partial void LogStatusChanged(ILogger logger, Guid destinationId, string url, string from, string to, string emails);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluating webhook destination health failed")]
    private static partial void LogEvaluationFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "The notice that webhook destination {DestinationId} is {Status} could not be queued")]
    private static partial void LogNoticeFailed(ILogger logger, Guid destinationId, string status, Exception e);
}
