using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AgentMail.Protocols.Tls;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentMail.Tests.Hosting;

public sealed class TlsCertificateTests
{
    [Fact]
    public void The_development_certificate_is_generated_once_and_then_reused()
    {
        using var folder = new TempDirectory();

        var (certificatePath, keyPath) = DevelopmentCertificate.EnsureExists(folder.Path);
        var firstPem = File.ReadAllText(certificatePath);
        var again = DevelopmentCertificate.EnsureExists(folder.Path);

        Assert.Equal((certificatePath, keyPath), again);
        Assert.Equal(firstPem, File.ReadAllText(certificatePath));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
    }

    [Fact]
    public async Task Processes_starting_together_share_one_development_certificate()
    {
        using var folder = new TempDirectory();

        var paths = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => DevelopmentCertificate.EnsureExists(folder.Path))));

        var thumbprints = paths.Select(p => X509Certificate2.CreateFromPemFile(p.CertificatePath, p.KeyPath).Thumbprint).Distinct();
        Assert.Single(thumbprints);
        Assert.Equal(["agentmail-dev.crt", "agentmail-dev.key"],
            Directory.GetFiles(folder.Path).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order());
    }

    [Fact]
    public void The_development_certificate_names_the_loopback_host_and_lasts_two_years()
    {
        using var folder = new TempDirectory();
        var (certificatePath, keyPath) = DevelopmentCertificate.EnsureExists(folder.Path);
        using var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(2048, certificate.GetRSAPublicKey()!.KeySize);
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", san.EnumerateDnsNames());
        Assert.Contains(IPAddress.Loopback, san.EnumerateIPAddresses());
        Assert.Contains(IPAddress.IPv6Loopback, san.EnumerateIPAddresses());
        Assert.True(certificate.MatchesHostname("localhost"));
        Assert.Equal(731, (certificate.NotAfter - certificate.NotBefore).TotalDays, precision: 0);
        var usage = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Contains(usage.EnhancedKeyUsages.Cast<Oid>(), oid => oid.Value == "1.3.6.1.5.5.7.3.1");
    }

    [Fact]
    public void A_development_certificate_close_to_expiry_is_replaced()
    {
        using var folder = new TempDirectory();
        var (certificatePath, _) = DevelopmentCertificate.EnsureExists(folder.Path);
        var original = File.ReadAllText(certificatePath);

        var nearlyExpired = new ManualTimeProvider(DateTimeOffset.UtcNow.AddDays(710));
        DevelopmentCertificate.EnsureExists(folder.Path, nearlyExpired);

        Assert.NotEqual(original, File.ReadAllText(certificatePath));
    }

    [Fact]
    public void Development_without_configuration_serves_the_development_certificate_from_the_content_root()
    {
        using var root = new TempDirectory();
        using var provider = CreateProvider("Development", root.Path, new TlsOptions());

        Assert.True(provider.IsDevelopmentCertificate);
        Assert.Equal(Path.Combine(root.Path, ".data", "tls", "agentmail-dev.crt"), provider.CertificatePath);
        Assert.Equal(DevelopmentCertificate.SubjectName, provider.Certificate.Subject);
        Assert.True(provider.Certificate.HasPrivateKey);
        Assert.NotNull(provider.CreateServerOptions().ServerCertificateContext);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Outside_development_a_missing_certificate_stops_start_up_with_what_to_set(string environment)
    {
        using var root = new TempDirectory();

        var error = Assert.Throws<TlsConfigurationException>(() => CreateProvider(environment, root.Path, new TlsOptions()));

        Assert.Contains("Tls:CertificatePath", error.Message);
        Assert.Contains("Tls__KeyPath", error.Message);
        Assert.Contains(environment, error.Message);
        Assert.False(Directory.Exists(Path.Combine(root.Path, ".data")));
    }

    [Fact]
    public void A_certificate_without_its_key_is_refused()
    {
        using var root = new TempDirectory();
        var error = Assert.Throws<TlsConfigurationException>(() =>
            CreateProvider("Development", root.Path, new TlsOptions { CertificatePath = "server.crt" }));
        Assert.Contains("both", error.Message);
    }

    [Fact]
    public void Unreadable_PEM_files_stop_start_up_naming_the_file()
    {
        using var root = new TempDirectory();
        File.WriteAllText(Path.Combine(root.Path, "server.crt"), "not a certificate");
        File.WriteAllText(Path.Combine(root.Path, "server.key"), "not a key");

        var error = Assert.Throws<TlsConfigurationException>(() =>
            CreateProvider("Production", root.Path, new TlsOptions { CertificatePath = "server.crt", KeyPath = "server.key" }));

        Assert.Contains(Path.Combine(root.Path, "server.crt"), error.Message);
    }

    [Fact]
    public void Configured_PEM_files_are_served_with_their_chain_and_reloaded_when_they_change()
    {
        using var root = new TempDirectory();
        var certificatePath = Path.Combine(root.Path, "server.crt");
        var keyPath = Path.Combine(root.Path, "server.key");
        var (firstLeaf, intermediate) = WriteChain(certificatePath, keyPath, "CN=mail.example.test");
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        using var provider = CreateProvider("Production", root.Path,
            new TlsOptions { CertificatePath = "server.crt", KeyPath = "server.key", ReloadCheckInterval = TimeSpan.FromSeconds(10) }, time);

        Assert.False(provider.IsDevelopmentCertificate);
        Assert.Equal(firstLeaf, provider.Certificate.Thumbprint);
        var context = provider.CreateServerOptions().ServerCertificateContext!;
        Assert.Equal(intermediate, Assert.Single(context.IntermediateCertificates).Thumbprint);

        var (secondLeaf, _) = WriteChain(certificatePath, keyPath, "CN=mail.example.test");
        File.SetLastWriteTimeUtc(certificatePath, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(firstLeaf, provider.Certificate.Thumbprint); // not yet time to look
        time.Now += TimeSpan.FromSeconds(11);
        Assert.Equal(secondLeaf, provider.Certificate.Thumbprint);

        // A renewal caught half-written keeps the last good certificate.
        File.WriteAllText(keyPath, "-----BEGIN PRIVATE KEY-----\ntruncated");
        time.Now += TimeSpan.FromSeconds(11);
        Assert.Equal(secondLeaf, provider.Certificate.Thumbprint);
    }

    private static TlsCertificateProvider CreateProvider(string environment, string contentRoot, TlsOptions options, TimeProvider? time = null) =>
        new(Options.Create(options), new TestHostEnvironment(environment, contentRoot), NullLogger<TlsCertificateProvider>.Instance, time);

    /// <summary>
    /// Writes a leaf signed by an intermediate signed by a throwaway root: the leaf then the
    /// intermediate in the certificate file (as a CA delivers them), the leaf's key in the key file.
    /// </summary>
    private static (string LeafThumbprint, string IntermediateThumbprint) WriteChain(string certificatePath, string keyPath, string subject)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var root = rootRequest.CreateSelfSigned(now.AddDays(-2), now.AddDays(60));

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest("CN=Test Intermediate", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var intermediatePublic = intermediateRequest.Create(root, now.AddDays(-1), now.AddDays(30), RandomNumberGenerator.GetBytes(8));
        using var intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest(subject, leafKey, HashAlgorithmName.SHA256);
        using var leaf = leafRequest.Create(intermediate, now.AddDays(-1), now.AddDays(20), RandomNumberGenerator.GetBytes(8));

        File.WriteAllText(certificatePath, leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, leafKey.ExportPkcs8PrivateKeyPem());
        return (leaf.Thumbprint, intermediate.Thumbprint);
    }
}
