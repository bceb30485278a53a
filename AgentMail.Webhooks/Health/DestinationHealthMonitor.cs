using AgentMail.Webhooks.Core;
using Microsoft.Extensions.Options;

namespace AgentMail.Webhooks.Health;

/// <summary>Runs <see cref="DestinationHealth"/> every <see cref="WebhooksOptions.HealthCheckInterval"/> and logs each transition.</summary>
public sealed partial class DestinationHealthMonitor(DestinationHealth health, IOptionsMonitor<WebhooksOptions> options, ILogger<DestinationHealthMonitor> logger)
    : BackgroundService
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
                    // Nylas also e-mails notification_email_addresses here; AgentMail logs it (see README).
                    LogStatusChanged(logger, change.DestinationId, change.WebhookUrl, change.From, change.To,
                        string.Join(", ", change.NotificationEmailAddresses));
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogEvaluationFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook destination {DestinationId} ({Url}) is now {To} (was {From}); notify: {Emails}")]
    private static partial void LogStatusChanged(ILogger logger, Guid destinationId, string url, string from, string to, string emails);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluating webhook destination health failed")]
    private static partial void LogEvaluationFailed(ILogger logger, Exception e);
}
