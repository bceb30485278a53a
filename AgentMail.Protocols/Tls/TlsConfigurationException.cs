namespace AgentMail.Protocols.Tls;

/// <summary>The TLS certificate is missing or unusable; thrown at start-up so the service does not run without TLS.</summary>
public sealed class TlsConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
