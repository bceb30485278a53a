using System.Diagnostics;
using Npgsql;

namespace AgentMail.LocalServers;

/// <summary>
/// A PostgreSQL cluster started from the installed binaries on 127.0.0.1 with trust
/// authentication (loopback only). When running as root — as CI does — initdb refuses to run,
/// so the cluster is owned by and run as the Debian package's <c>postgres</c> user.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const int SigInt = 2; // PostgreSQL's "fast" shutdown
    private readonly ServerProcess _process;

    private PostgresServer(ServerProcess process, string dataDirectory, int port)
    {
        _process = process;
        DataDirectory = dataDirectory;
        Port = port;
    }

    public string DataDirectory { get; }
    public int Port { get; }

    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
    }.ConnectionString;

    public static async Task<PostgresServer> StartAsync(PostgresServerOptions options, CancellationToken cancellationToken = default)
    {
        var binDirectories = BinaryLocator.PostgresDirectories().ToArray();
        var initdb = BinaryLocator.Require("initdb", "postgresql", binDirectories);
        // Prefer the postgres binary beside the initdb we found, so versions always match.
        var postgres = Path.Combine(Path.GetDirectoryName(initdb)!, "postgres");
        if (!File.Exists(postgres))
            postgres = BinaryLocator.Require("postgres", "postgresql", binDirectories);

        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var asRoot = PosixUser.IsRoot;
        Directory.CreateDirectory(dataDirectory);
        if (asRoot && OperatingSystem.IsLinux())
            await PrepareForPostgresUserAsync(dataDirectory, cancellationToken).ConfigureAwait(false);

        var logFile = Path.Combine(Path.GetDirectoryName(dataDirectory)!, Path.GetFileName(dataDirectory) + ".log");
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await RunToCompletionAsync(asRoot, initdb,
                ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"],
                logFile, cancellationToken).ConfigureAwait(false);
        }

        var port = options.Port == 0 ? FreePort.Next() : options.Port;
        List<string> serverArguments =
        [
            "-D", dataDirectory,
            "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
            "-c", $"max_connections={options.MaxConnections}",
        ];
        if (options.Ephemeral)
            serverArguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        foreach (var (name, value) in options.Settings)
            serverArguments.AddRange(["-c", $"{name}={value}"]);

        var (file, arguments) = AsPostgresUser(asRoot, postgres, serverArguments);
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        var process = ServerProcess.Start(file, arguments, logFile, options.Output,
            _ => $"[ -f '{pidFile}' ] && kill -INT $(head -n 1 '{pidFile}')");

        var server = new PostgresServer(process, dataDirectory, port);
        try
        {
            await server.WaitUntilReadyAsync(logFile, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a database if it does not exist yet.</summary>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.AddWithValue(name);
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            return;
        var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitUntilReadyAsync(string logFile, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"PostgreSQL exited during start-up; see {logFile}:{Environment.NewLine}{Tail(logFile)}");
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false;Timeout=2");
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException e)
            {
                last = e;
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        throw new TimeoutException($"PostgreSQL did not accept connections within 60 s; see {logFile}", last);
    }

    private static string Tail(string file)
    {
        try
        {
            using var stream = File.Open(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            return string.Join('\n', lines.TakeLast(15));
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static (string File, List<string> Arguments) AsPostgresUser(bool asRoot, string binary, List<string> arguments)
    {
        if (!asRoot)
            return (binary, arguments);
        var runuser = BinaryLocator.Require("runuser", "util-linux", ["/usr/sbin", "/sbin"]);
        return (runuser, ["-u", "postgres", "--", binary, .. arguments]);
    }

    private static async Task RunToCompletionAsync(bool asRoot, string binary, List<string> arguments, string logFile, CancellationToken cancellationToken)
    {
        var (file, args) = AsPostgresUser(asRoot, binary, arguments);
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await File.AppendAllTextAsync(logFile, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(binary)} failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}");
    }

    /// <summary>
    /// The postgres user must own the cluster folder and be able to reach it: temporary folders
    /// are created private to root, so open every ancestor for traversal.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static async Task PrepareForPostgresUserAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        for (var dir = new DirectoryInfo(dataDirectory).Parent; dir is not null; dir = dir.Parent)
        {
            var mode = File.GetUnixFileMode(dir.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
                File.SetUnixFileMode(dir.FullName, mode | UnixFileMode.OtherExecute);
        }
        var info = new ProcessStartInfo("chown") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-R", "postgres:postgres", dataDirectory })
            info.ArgumentList.Add(a);
        using var chown = Process.Start(info) ?? throw new InvalidOperationException("Could not start chown.");
        await chown.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (chown.ExitCode != 0)
            throw new InvalidOperationException($"chown of {dataDirectory} to postgres failed: {await chown.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false)}");
        File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid))
                ServerProcess.Signal(pid, SigInt);
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        }
        await _process.DisposeAsync().ConfigureAwait(false);
    }
}
