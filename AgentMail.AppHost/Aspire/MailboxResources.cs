namespace AgentMail.AppHost.Model;

/// <summary>The mailbox store and Redis, and how a service is wired to them.</summary>
internal static class MailboxResources
{
    /// <summary>
    /// Postgres with the database <c>mailstore</c>; services receive <c>ConnectionStrings__mailstore</c>.
    /// Locally a container with a data volume, so mail survives restarts; published, an Azure
    /// Database for PostgreSQL flexible server with password authentication, because Aspire's
    /// default there is Entra ID, which plain Npgsql connection strings cannot use.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddMailstore(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddAzurePostgresFlexibleServer("postgres")
                .WithPasswordAuthentication()
                .AddDatabase("mailstore");
        }
        return builder.AddPostgres("postgres")
            .WithDataVolume()
            .AddDatabase("mailstore");
    }

    /// <summary>
    /// Redis for change notifications; services receive <c>ConnectionStrings__redis</c>. Published,
    /// Azure Managed Redis with access keys (again, its default is Entra ID, which the
    /// StackExchange.Redis 1.x client we can use does not speak).
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisForNotifications(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
            return builder.AddAzureManagedRedis("redis").WithAccessKeyAuthentication();
        return builder.AddRedis("redis");
    }

    /// <summary>What every service needs: both connection strings, and not to start before the stores do.</summary>
    public static IResourceBuilder<ProjectResource> WithMailbox(this IResourceBuilder<ProjectResource> service,
        IResourceBuilder<IResourceWithConnectionString> mailstore, IResourceBuilder<IResourceWithConnectionString> redis) =>
        service
            .WithReference(mailstore).WaitFor(mailstore)
            .WithReference(redis).WaitFor(redis);

    /// <summary>
    /// Local runs only: IMAP and SMTP share one generated certificate in the repository's
    /// <c>.data/tls</c>. Published services run in Production and need <c>Tls__CertificatePath</c>
    /// and <c>Tls__KeyPath</c> (docs/deployment.md).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDevelopmentCertificates(this IResourceBuilder<ProjectResource> service, string directory) =>
        service.ApplicationBuilder.ExecutionContext.IsRunMode
            ? service.WithEnvironment("Tls__DevelopmentCertificateDirectory", directory)
            : service;
}

/// <summary>
/// The ports the IMAP and SMTP processes (and containers) listen on. Unprivileged, because the
/// .NET container images run as a non-root user; the public ports (993, 465, ...) are mapped onto them.
/// </summary>
internal static class MailTargetPorts
{
    public const int Imap = 9143;
    public const int Imaps = 9993;
    public const int Submission = 9587;
    public const int Submissions = 9465;
    public const int Mx = 9025;
}
