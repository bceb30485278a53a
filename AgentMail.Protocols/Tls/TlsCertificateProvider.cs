using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMail.Protocols.Tls;

/// <summary>
/// The certificate the mail listeners present, for implicit TLS and STARTTLS alike:
/// <list type="bullet">
/// <item>PEM files from <c>Tls:CertificatePath</c> and <c>Tls:KeyPath</c>, re-read when they change (a renewed
/// certificate is picked up without a restart; a broken renewal keeps the last good one);</item>
/// <item>otherwise, in Development only, the shared development certificate (<see cref="DevelopmentCertificate"/>);</item>
/// <item>otherwise start-up fails, because a mail server must not offer plain-text login.</item>
/// </list>
/// </summary>
public sealed class TlsCertificateProvider : IDisposable
{
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly TlsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TlsCertificateProvider> _logger;
    private readonly Lock _reloadLock = new();
    private Loaded _current;
    private DateTimeOffset _nextCheck;

    public TlsCertificateProvider(IOptions<TlsOptions> options, IHostEnvironment environment, ILogger<TlsCertificateProvider> logger, TimeProvider? time = null)
    {
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        (_certificatePath, _keyPath, IsDevelopmentCertificate) = Locate(_options, environment);
        _current = Load();
        _nextCheck = _time.GetUtcNow() + _options.ReloadCheckInterval;
        _logger.LogInformation("TLS certificate {Subject} ({Thumbprint}, expires {NotAfter:u}) from {Path}",
            _current.Leaf.Subject, _current.Leaf.Thumbprint, _current.Leaf.NotAfter.ToUniversalTime(), _certificatePath);
    }

    /// <summary>True when serving the generated development certificate.</summary>
    public bool IsDevelopmentCertificate { get; }

    /// <summary>The PEM file the certificate was read from (for a development certificate: the file a user can trust).</summary>
    public string CertificatePath => _certificatePath;

    /// <summary>The server certificate now in use.</summary>
    public X509Certificate2 Certificate => CurrentLoaded().Leaf;

    /// <summary>Options for one server-side handshake, with the current certificate and its chain.</summary>
    public SslServerAuthenticationOptions CreateServerOptions() => new()
    {
        ServerCertificateContext = CurrentLoaded().Context,
        ClientCertificateRequired = false,
        // None lets the OS choose: TLS 1.2 and 1.3 on current systems (RFC 8996 retired older ones).
        EnabledSslProtocols = SslProtocols.None,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    public TimeSpan HandshakeTimeout => _options.HandshakeTimeout;

    private static (string Certificate, string Key, bool Development) Locate(TlsOptions options, IHostEnvironment environment)
    {
        var hasCertificate = !string.IsNullOrWhiteSpace(options.CertificatePath);
        var hasKey = !string.IsNullOrWhiteSpace(options.KeyPath);
        if (hasCertificate && hasKey)
            return (Absolute(options.CertificatePath!, environment), Absolute(options.KeyPath!, environment), false);
        if (hasCertificate != hasKey)
            throw new TlsConfigurationException(
                "Set both Tls:CertificatePath and Tls:KeyPath (environment Tls__CertificatePath and Tls__KeyPath), or neither.");
        if (!environment.IsDevelopment())
            throw new TlsConfigurationException(
                $"No TLS certificate is configured for the mail listeners in the '{environment.EnvironmentName}' environment. " +
                "Set Tls:CertificatePath and Tls:KeyPath (environment Tls__CertificatePath and Tls__KeyPath) to PEM files " +
                "of the certificate (with its chain) and its private key. A self-signed certificate is generated only in Development.");

        var directory = Absolute(options.DevelopmentCertificateDirectory, environment);
        var (certificate, key) = DevelopmentCertificate.EnsureExists(directory);
        return (certificate, key, true);
    }

    private static string Absolute(string path, IHostEnvironment environment) =>
        Path.GetFullPath(path, environment.ContentRootPath);

    private Loaded Load()
    {
        var stamp = FileStamp.Of(_certificatePath, _keyPath);
        var (leaf, context) = PemCertificate.Load(_certificatePath, _keyPath);
        return new Loaded(leaf, context, stamp);
    }

    private Loaded CurrentLoaded()
    {
        var now = _time.GetUtcNow();
        if (now < _nextCheck)
            return Volatile.Read(ref _current);
        lock (_reloadLock)
        {
            if (now < _nextCheck)
                return _current;
            _nextCheck = now + _options.ReloadCheckInterval;
            if (FileStamp.Of(_certificatePath, _keyPath) == _current.Stamp)
                return _current;
            try
            {
                // The previous certificate may still be in use by a handshake in progress, so it is
                // left to the garbage collector rather than disposed here.
                Volatile.Write(ref _current, Load());
                _logger.LogInformation("TLS certificate reloaded: {Subject} ({Thumbprint}, expires {NotAfter:u})",
                    _current.Leaf.Subject, _current.Leaf.Thumbprint, _current.Leaf.NotAfter.ToUniversalTime());
            }
            catch (TlsConfigurationException e)
            {
                // Typically a renewal caught between writing the certificate and the key: keep
                // serving the last good certificate and try again at the next check.
                _logger.LogWarning(e, "TLS certificate files changed but could not be loaded; keeping the previous certificate");
            }
            return _current;
        }
    }

    public void Dispose() => _current.Leaf.Dispose();

    private sealed record Loaded(X509Certificate2 Leaf, SslStreamCertificateContext Context, FileStamp Stamp);

    /// <summary>Last-write times and sizes of the two files (following symlinks, as Kubernetes secret mounts use).</summary>
    private readonly record struct FileStamp(DateTime CertificateWritten, long CertificateLength, DateTime KeyWritten, long KeyLength)
    {
        public static FileStamp Of(string certificatePath, string keyPath)
        {
            var certificate = Resolve(certificatePath);
            var key = Resolve(keyPath);
            return new FileStamp(certificate.LastWriteTimeUtc, certificate.Exists ? certificate.Length : -1,
                key.LastWriteTimeUtc, key.Exists ? key.Length : -1);
        }

        private static FileInfo Resolve(string path)
        {
            var file = new FileInfo(path);
            return file.LinkTarget is null ? file : (file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file);
        }
    }
}
