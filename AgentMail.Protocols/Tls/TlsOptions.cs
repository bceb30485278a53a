namespace AgentMail.Protocols.Tls;

/// <summary>
/// Where the mail listeners' TLS certificate comes from (configuration section <c>Tls</c>;
/// environment <c>Tls__CertificatePath</c> etc.).
/// </summary>
public sealed class TlsOptions
{
    public const string SectionName = "Tls";

    /// <summary>PEM file with the server certificate, optionally followed by its intermediate certificates.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM file with the certificate's private key (PKCS#8, or PKCS#1/SEC1).</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// In Development without a configured certificate, a self-signed one is generated here once
    /// and reused by every mail service, so a mail client has one certificate to trust. Relative
    /// paths are relative to the content root. The local launcher points both IMAP and SMTP at
    /// <c>.data/tls</c> of the repository.
    /// </summary>
    public string DevelopmentCertificateDirectory { get; set; } = Path.Combine(".data", "tls");

    /// <summary>How often the PEM files' timestamps are compared, to pick up a renewed certificate without a restart.</summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A client that has not finished the TLS handshake by then is disconnected.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
