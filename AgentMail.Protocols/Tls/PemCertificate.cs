using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace AgentMail.Protocols.Tls;

/// <summary>Loads a server certificate (with its chain) and private key from PEM files.</summary>
internal static class PemCertificate
{
    public static (X509Certificate2 Leaf, SslStreamCertificateContext Context) Load(string certificatePath, string keyPath)
    {
        X509Certificate2 withEphemeralKey;
        var chain = new X509Certificate2Collection();
        try
        {
            withEphemeralKey = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            chain.ImportFromPemFile(certificatePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new TlsConfigurationException(
                $"Could not load the TLS certificate from '{certificatePath}' with key '{keyPath}': {e.Message}", e);
        }

        // A key read from PEM is ephemeral; a round trip through PKCS#12 gives a certificate whose
        // key SslStream can use as a server on every platform.
        X509Certificate2 leaf;
        using (withEphemeralKey)
            leaf = X509CertificateLoader.LoadPkcs12(withEphemeralKey.Export(X509ContentType.Pkcs12), password: null);

        // Everything after the first certificate in the file is sent as the chain; offline, because
        // a mail server must not block a handshake fetching missing intermediates.
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in chain.Skip(1))
            intermediates.Add(certificate);
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        return (leaf, context);
    }
}
