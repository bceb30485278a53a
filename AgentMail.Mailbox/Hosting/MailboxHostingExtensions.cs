using AgentMail.Mailbox.Authentication;
using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Health;
using AgentMail.Mailbox.Hosting;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Redis;
using AgentMail.Mailbox.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wires the mailbox core into a service, the way Aspire's client integrations do.</summary>
public static class MailboxHostingExtensions
{
    public const string PostgresConnectionName = "mailstore";
    public const string RedisConnectionName = "redis";

    /// <summary>
    /// Registers the mailbox store (<c>ConnectionStrings:mailstore</c>), Redis
    /// (<c>ConnectionStrings:redis</c>), schema migration at start-up, the domain services and
    /// readiness health checks for both. With <paramref name="genericPlans"/>, every prepared
    /// statement runs on its cached generic plan instead of being planned again for its values
    /// (PostgreSQL's default whenever a statement's values could change its estimate, such as
    /// <c>modseq &gt; $2</c>): for a service whose statements are fixed, grant- and folder-scoped
    /// lookups whose best plan does not depend on the values — IMAP, where planning was a fifth of
    /// the database's CPU — not for the API's ad-hoc filters.
    /// </summary>
    public static IHostApplicationBuilder AddMailbox(this IHostApplicationBuilder builder, bool genericPlans = false)
    {
        var services = builder.Services;
        services.AddOptions<MailboxOptions>().BindConfiguration(MailboxOptions.SectionName);
        services.AddOptions<AuthenticationOptions>().BindConfiguration(AuthenticationOptions.SectionName);

        var postgres = builder.Configuration.GetConnectionString(PostgresConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{PostgresConnectionName} is not configured (the Postgres database of the mailbox store).");
        var redis = builder.Configuration.GetConnectionString(RedisConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{RedisConnectionName} is not configured.");

        services.AddSingleton(sp =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(postgres).UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            // The store's statements are few and fixed: prepare the frequent ones on each pooled
            // connection instead of parsing and planning them on every execution.
            if (dataSource.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                dataSource.ConnectionStringBuilder.MaxAutoPrepare = 128;
                dataSource.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            }
            // Nothing here changes session state (no SET, LISTEN or temporary tables; the migrator's
            // session lock is released in a finally), so a pooled connection needs no reset — which
            // otherwise costs a round of RESET ALL, UNLISTEN, DISCARD statements on every reuse.
            dataSource.ConnectionStringBuilder.NoResetOnClose = true;
            if (genericPlans)
                dataSource.ConnectionStringBuilder.Options = $"{dataSource.ConnectionStringBuilder.Options} -c plan_cache_mode=force_generic_plan".TrimStart();
            return dataSource.Build();
        });
        services.AddSingleton<IRedisClient>(sp =>
            StackExchangeRedisClient.Connect(redis, sp.GetRequiredService<ILogger<StackExchangeRedisClient>>()));

        services.AddSingleton<MailboxDatabase>();
        services.AddSingleton<SchemaMigrator>();
        services.AddHostedService<MigrationService>();
        services.AddSingleton<MailboxMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<MailboxMaintenance>());
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<ChangePublisher>();
        services.AddSingleton<GrantService>();
        services.AddSingleton<FolderService>();
        services.AddSingleton<MessageService>();
        services.AddSingleton<BlobReader>();
        services.AddSingleton<AppPasswordAuthenticator>();
        services.AddSingleton<AgentMail.Mailbox.Outbound.OutboundDeliveryService>();

        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres", HealthStatus.Unhealthy, ["ready"])
            .AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, ["ready"]);
        return builder;
    }
}
