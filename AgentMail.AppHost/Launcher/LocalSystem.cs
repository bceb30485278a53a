using System.Runtime.InteropServices;
using AgentMail.LocalServers;
using AgentMail.Protocols.Tls;

namespace AgentMail.AppHost.Launcher;

/// <summary>
/// One launcher run: Postgres and Redis, then the services, then the endpoints; on Ctrl-C or
/// SIGTERM the services stop first and the stores after them, so nothing logs a lost database
/// on its way out. Data stays in the data folder for the next run.
/// </summary>
internal static class LocalSystem
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(LauncherSettings settings, CancellationToken cancellationToken)
    {
        var log = new ConsoleLog();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // we exit on our own once everything has stopped
            if (!stop.IsCancellationRequested)
                log.Info("Stopping…");
            stop.Cancel();
        }

        PostgresServer? postgres = null;
        RedisServer? redis = null;
        var services = new List<RunningService>();
        FileStream? dataLock = null;
        try
        {
            Directory.CreateDirectory(settings.DataDirectory);
            dataLock = DataDirectoryLock.Acquire(settings.LockFile);
            File.Delete(settings.EndpointsFile);
            PortGuard.EnsureFree(PortsInUse(settings));
            log.Info($"Data folder: {settings.DataDirectory} (kept between runs)");

            var postgresStart = PostgresServer.StartAsync(new PostgresServerOptions
            {
                DataDirectory = settings.PostgresDirectory,
                Port = settings.Ports.Postgres,
                Output = log.For("postgres"),
            }, stop.Token);
            var redisStart = RedisServer.StartAsync(new RedisServerOptions
            {
                DataDirectory = settings.RedisDirectory,
                Port = settings.Ports.Redis,
                Output = log.For("redis"),
            }, stop.Token);
            try
            {
                await Task.WhenAll(postgresStart, redisStart);
            }
            finally
            {
                postgres = postgresStart.IsCompletedSuccessfully ? postgresStart.Result : null;
                redis = redisStart.IsCompletedSuccessfully ? redisStart.Result : null;
            }
            await postgres!.CreateDatabaseAsync("mailstore", stop.Token);
            Npgsql.NpgsqlConnection.ClearAllPools(); // the launcher keeps no connection open

            var infrastructure = new Infrastructure(
                postgres.ConnectionString("mailstore"),
                redis!.ConnectionString,
                DevelopmentApiKey.LoadOrCreate(settings.ApiKeyFile));
            // Generated here, before IMAP and SMTP start, so both (and the banner) use the same file.
            var (certificate, _) = DevelopmentCertificate.EnsureExists(settings.TlsDirectory);

            foreach (var definition in ServiceCatalog.All.Where(s => settings.Runs(s.Name)))
                services.Add(RunningService.Start(definition, settings, infrastructure, log));
            await Task.WhenAll(services.Select(s => s.WaitUntilHealthyAsync(HealthTimeout, stop.Token)));

            var endpoints = Endpoints.Describe(settings, services, infrastructure, certificate, postgres, redis);
            await endpoints.WriteAsync(settings.EndpointsFile, stop.Token);
            Banner.Print(endpoints, settings, log);

            await WatchUntilStoppedAsync(services, log, stop.Token);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0; // Ctrl-C during start-up
        }
        catch (Exception e) when (e is LauncherException or MissingBinaryException)
        {
            log.Error(e.Message);
            return 1;
        }
        catch (Exception e)
        {
            log.Error($"Start-up failed: {e}");
            return 1;
        }
        finally
        {
            await Task.WhenAll(services.Select(s => s.StopAsync(StopGrace)));
            // The stores after every service, side by side: Postgres's shutdown checkpoint need not wait for Redis's save.
            await Task.WhenAll(
                redis is null ? Task.CompletedTask : redis.DisposeAsync().AsTask(),
                postgres is null ? Task.CompletedTask : postgres.DisposeAsync().AsTask());
            TryDelete(settings.EndpointsFile);
            if (dataLock is not null)
                await dataLock.DisposeAsync();
            if (services.Count > 0 || postgres is not null)
                log.Info("Stopped.");
        }
    }

    /// <summary>Reports services that exit on their own (the others keep running) until Ctrl-C.</summary>
    private static async Task WatchUntilStoppedAsync(List<RunningService> services, ConsoleLog log, CancellationToken stop)
    {
        var running = services.ToDictionary(s => s.WaitForExitAsync(stop), s => s);
        while (running.Count > 0)
        {
            var exited = await Task.WhenAny(running.Keys);
            if (stop.IsCancellationRequested)
                return;
            var service = running[exited];
            running.Remove(exited);
            log.Error($"{service.Definition.Name} exited with code {service.ExitCode}; see {service.LogFile}. The other services keep running.");
        }
        await Task.Delay(Timeout.Infinite, stop);
    }

    private static IEnumerable<(int, string, string)> PortsInUse(LauncherSettings settings)
    {
        var p = settings.Ports;
        yield return (p.Postgres, "PostgreSQL", "--postgres-port");
        yield return (p.Redis, "Redis", "--redis-port");
        if (settings.Runs("api"))
            yield return (p.ApiHttp, "API", "--api-port");
        if (settings.Runs("imap"))
        {
            yield return (p.ImapHttp, "IMAP health", "--imap-http-port");
            yield return (p.Imap, "IMAP", "--imap-port");
            yield return (p.Imaps, "IMAPS", "--imaps-port");
        }
        if (settings.Runs("smtp"))
        {
            yield return (p.SmtpHttp, "SMTP health", "--smtp-http-port");
            yield return (p.Submission, "SMTP submission", "--smtp-port");
            yield return (p.Submissions, "SMTPS submission", "--smtps-port");
            yield return (p.Mx, "SMTP MX", "--mx-port");
        }
        if (settings.Runs("webhooks"))
            yield return (p.WebhooksHttp, "webhooks health", "--webhooks-http-port");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
