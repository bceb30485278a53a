using System.Net.Security;
using AgentMail.Protocols.Tls;
using Microsoft.AspNetCore.Connections;

namespace AgentMail.Protocols.StartTls;

/// <summary>
/// The server side of STARTTLS (SMTP: RFC 3207; IMAP: RFC 9051 §6.2.1 and RFC 2595 §3.1) on a
/// Kestrel connection whose transport is still plain text.
/// </summary>
public static class StartTlsUpgrade
{
    /// <summary>
    /// Call after reading the STARTTLS command line (and advancing the reader past it), instead of
    /// writing the positive reply yourself. In this order it:
    /// <list type="number">
    /// <item>discards any plain text the client pipelined after the command — it must not be
    /// executed after the handshake (the STARTTLS command-injection flaw, CVE-2011-0411);</item>
    /// <item>writes <paramref name="readyReply"/> (SMTP <c>220 2.0.0 Ready to start TLS</c>, IMAP
    /// <c>tag OK Begin TLS negotiation now</c>) in plain text;</item>
    /// <item>does the TLS handshake as server, bounded by <paramref name="handshakeTimeout"/>.</item>
    /// </list>
    /// The discard must happen before the reply: once the client has the reply, whatever arrives
    /// is its TLS ClientHello. On success the returned session's <see cref="TlsSession.Transport"/>
    /// replaces <c>connection.Transport</c>. Both protocols then require the server to forget what
    /// it learned from the client before TLS (SMTP: the EHLO, RFC 3207 §4.2; IMAP: RFC 9051 §6.2.1).
    /// A failed handshake throws (<see cref="System.Security.Authentication.AuthenticationException"/>,
    /// <see cref="IOException"/>, or <see cref="OperationCanceledException"/> on timeout); close the connection then.
    /// </summary>
    public static async Task<TlsSession> UpgradeAsync(
        ConnectionContext connection,
        ReadOnlyMemory<byte> readyReply,
        SslServerAuthenticationOptions tls,
        TimeSpan handshakeTimeout,
        CancellationToken cancellationToken = default)
    {
        var plain = connection.Transport;

        long discarded = 0;
        if (plain.Input.TryRead(out var pending))
        {
            discarded = pending.Buffer.Length;
            plain.Input.AdvanceTo(pending.Buffer.End);
        }

        await plain.Output.WriteAsync(readyReply, cancellationToken).ConfigureAwait(false);

        var stream = new SslStream(new DuplexPipeStream(plain), leaveInnerStreamOpen: false);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.ConnectionClosed);
            timeout.CancelAfter(handshakeTimeout);
            await stream.AuthenticateAsServerAsync(tls, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var session = new TlsSession(connection, plain, stream, discarded);
        connection.Transport = session.Transport;
        return session;
    }

    /// <summary><see cref="UpgradeAsync(ConnectionContext, ReadOnlyMemory{byte}, SslServerAuthenticationOptions, TimeSpan, CancellationToken)"/> with the mail listeners' certificate.</summary>
    public static Task<TlsSession> UpgradeAsync(
        ConnectionContext connection,
        ReadOnlyMemory<byte> readyReply,
        TlsCertificateProvider certificates,
        CancellationToken cancellationToken = default) =>
        UpgradeAsync(connection, readyReply, certificates.CreateServerOptions(), certificates.HandshakeTimeout, cancellationToken);
}
