using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AgentMail.Protocols.Tls;

/// <summary>
/// A self-signed certificate for local use, generated once into a folder and reused by every
/// process pointed at that folder (IMAP and SMTP start at the same moment under the launcher, so
/// generation happens under a file lock). Stored as PEM so a user can trust
/// <c>agentmail-dev.crt</c> in their OS or mail client, and tools like <c>openssl s_client -CAfile</c> can use it.
/// </summary>
public static class DevelopmentCertificate
{
    public const string CertificateFileName = "agentmail-dev.crt";
    public const string KeyFileName = "agentmail-dev.key";
    public const string SubjectName = "CN=AgentMail Development";

    /// <summary>Two years: within the 825 days Apple platforms accept for a TLS server certificate.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(730);

    /// <summary>A certificate this close to expiry is replaced at the next start.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>Returns the PEM paths of the development certificate in <paramref name="directory"/>, creating it when missing or expiring.</summary>
    public static (string CertificatePath, string KeyPath) EnsureExists(string directory, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        Directory.CreateDirectory(directory);
        var certificatePath = Path.Combine(directory, CertificateFileName);
        var keyPath = Path.Combine(directory, KeyFileName);

        using var _ = AcquireLock(Path.Combine(directory, ".lock"));
        if (IsUsable(certificatePath, keyPath, time.GetUtcNow()))
            return (certificatePath, keyPath);

        var (certificatePem, keyPem) = Generate(time.GetUtcNow());
        WriteAtomically(keyPath, keyPem, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteAtomically(certificatePath, certificatePem,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return (certificatePath, keyPath);
    }

    /// <summary>An RSA 2048 key (the widest client support) and a certificate for the names a local client uses.</summary>
    internal static (string CertificatePem, string KeyPem) Generate(DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(SubjectName, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(SubjectAlternativeNames());

        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.Add(Validity));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static X509Extension SubjectAlternativeNames()
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        var machine = Environment.MachineName.ToLowerInvariant();
        // A machine name is not always a valid DNS name (underscores, spaces); leave it out then.
        if (machine != "localhost" && Uri.CheckHostName(machine) == UriHostNameType.Dns)
            names.AddDnsName(machine);
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        return names.Build(critical: false);
    }

    private static bool IsUsable(string certificatePath, string keyPath, DateTimeOffset now)
    {
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
            return false;
        try
        {
            using var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            return certificate.HasPrivateKey && certificate.NotAfter.ToUniversalTime() - now.UtcDateTime > RenewBefore;
        }
        catch (CryptographicException)
        {
            return false; // damaged or mismatched files: generate a new pair
        }
    }

    private static void WriteAtomically(string path, string content, UnixFileMode mode)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = mode;
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(content);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>An exclusive lock on a file (flock on Unix), waited for up to 30 seconds.</summary>
    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }
}
