using System.Net;
using System.Net.Security;
using AgentMail.Mailbox.Hosting;
using AgentMail.Smtp.Dns;
using AgentMail.Smtp.Outbound.Client;
using Microsoft.Extensions.Options;

namespace AgentMail.Smtp.Outbound;

public enum AttemptKind
{
    Delivered,
    Transient,
    Permanent,
}

/// <summary>What one attempt came to for one recipient, before the retry policy turns it into a queue outcome.</summary>
public sealed record AttemptResult(string Recipient, AttemptKind Kind, string Response, string? Status, string? RemoteMta);

/// <summary>
/// Hands a message to other servers: through the configured relay (every remote recipient in
/// one transaction), or to each recipient domain's MX hosts in preference order (a host that
/// cannot be reached or refuses the session gives way to the next; once a transaction has
/// started, its replies decide). STARTTLS is used whenever offered (opportunistic, RFC 7435,
/// certificates not checked) and required for a relay configured so.
/// </summary>
public sealed partial class RemoteDelivery(
    MxResolver mx,
    IOptions<OutboundOptions> options,
    IOptions<RelayOptions> relay,
    IOptions<MailboxOptions> mailbox,
    ILogger<RemoteDelivery> logger)
{
    private static readonly RemoteCertificateValidationCallback AnyCertificate = (_, _, _, _) => true;

    public string Route => relay.Value.IsConfigured ? "relay" : "mx";

    public async Task<IReadOnlyList<AttemptResult>> DeliverAsync(string envelopeFrom, IReadOnlyList<string> recipients, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (recipients.Count == 0)
            return [];
        if (relay.Value.IsConfigured)
            return await ViaRelayAsync(envelopeFrom, recipients, message, cancellationToken).ConfigureAwait(false);

        var results = new List<AttemptResult>();
        foreach (var domain in recipients.GroupBy(r => r[(r.LastIndexOf('@') + 1)..], StringComparer.OrdinalIgnoreCase))
            results.AddRange(await ViaMxAsync(domain.Key, envelopeFrom, [.. domain], message, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private async Task<IReadOnlyList<AttemptResult>> ViaRelayAsync(string from, IReadOnlyList<string> recipients, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var settings = relay.Value;
        var host = settings.Host!;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await System.Net.Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return All(recipients, AttemptKind.Transient, $"451 4.4.3 relay {host} not found: {e.Message}", "4.4.3", null);
        }
        var validation = settings.ValidateCertificate ? null : AnyCertificate;
        string? lastError = null;
        foreach (var address in addresses)
        {
            var session = await OpenAsync(host, new IPEndPoint(address, settings.Port), settings.Security, validation, requireTls: settings.Security != RelaySecurity.None, cancellationToken).ConfigureAwait(false);
            if (session.Connection is not { } connection)
            {
                lastError = session.Error;
                continue;
            }
            await using (connection)
            {
                if (settings.Username is { Length: > 0 } user)
                {
                    SmtpClientReply auth;
                    try
                    {
                        auth = await connection.AuthenticateAsync(user, settings.Password ?? "", options.Value.CommandTimeout, cancellationToken).ConfigureAwait(false);
                    }
                    catch (SmtpClientException e)
                    {
                        return All(recipients, AttemptKind.Transient, $"451 4.4.2 {e.Message}", "4.4.2", host);
                    }
                    if (!auth.IsPositive)
                    {
                        // A refused relay login is our configuration, not the recipients': keep retrying.
                        LogRelayAuthFailed(logger, host, auth.ToString());
                        return All(recipients, AttemptKind.Transient, $"451 4.7.0 relay {host} refused our login: {auth}", "4.7.0", host);
                    }
                }
                return await TransactAsync(connection, from, recipients, message, cancellationToken).ConfigureAwait(false);
            }
        }
        return All(recipients, AttemptKind.Transient, $"451 4.4.1 relay {host}: {lastError}", "4.4.1", null);
    }

    private async Task<IReadOnlyList<AttemptResult>> ViaMxAsync(string domain, string from, IReadOnlyList<string> recipients, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var route = await mx.ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
        switch (route.Outcome)
        {
            case MxOutcome.NoSuchDomain:
                return All(recipients, AttemptKind.Permanent, $"550 5.1.2 {route.Detail}", "5.1.2", null);
            case MxOutcome.NullMx:
                return All(recipients, AttemptKind.Permanent, $"556 5.1.10 {route.Detail}", "5.1.10", null);
            case MxOutcome.TemporaryFailure:
                return All(recipients, AttemptKind.Transient, $"451 4.4.3 {route.Detail}", "4.4.3", null);
        }
        var errors = new List<string>();
        foreach (var host in route.Hosts)
        {
            foreach (var address in host.Addresses)
            {
                var session = await OpenAsync(host.Name, new IPEndPoint(address, options.Value.MxPort), RelaySecurity.None, AnyCertificate, requireTls: false, cancellationToken).ConfigureAwait(false);
                if (session.Connection is not { } connection)
                {
                    errors.Add(session.Error!);
                    continue;
                }
                await using (connection)
                    return await TransactAsync(connection, from, recipients, message, cancellationToken).ConfigureAwait(false);
            }
        }
        return All(recipients, AttemptKind.Transient, $"451 4.4.1 no mail exchanger of {domain} took the message: {string.Join("; ", errors.TakeLast(3))}", "4.4.1", null);
    }

    private readonly record struct OpenedSession(SmtpClientConnection? Connection, string? Error);

    /// <summary>Connect, greeting, EHLO and TLS: a session ready for MAIL, or why not (then the next host is tried).</summary>
    private async Task<OpenedSession> OpenAsync(string name, IPEndPoint endpoint, RelaySecurity security, RemoteCertificateValidationCallback? validation, bool requireTls, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var helo = settings.HeloName ?? mailbox.Value.Hostname;
        SmtpClientConnection? connection = null;
        try
        {
            connection = await SmtpClientConnection.ConnectAsync(name, endpoint, security == RelaySecurity.ImplicitTls, validation, settings.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            var greeting = await connection.ReadReplyAsync(settings.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            if (greeting.Code != 220)
                return await FailAsync($"{name} greeted with {greeting}").ConfigureAwait(false);
            var hello = await connection.HelloAsync(helo, settings.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (!hello.IsPositive)
                return await FailAsync($"{name} refused EHLO: {hello}").ConfigureAwait(false);
            if (!connection.IsTls && connection.Extensions.ContainsKey("STARTTLS"))
            {
                var started = await connection.StartTlsAsync(validation, settings.CommandTimeout, cancellationToken).ConfigureAwait(false);
                if (started.Code != 220)
                {
                    if (requireTls)
                        return await FailAsync($"{name} refused STARTTLS: {started}").ConfigureAwait(false);
                }
                else
                {
                    hello = await connection.HelloAsync(helo, settings.CommandTimeout, cancellationToken).ConfigureAwait(false);
                    if (!hello.IsPositive)
                        return await FailAsync($"{name} refused EHLO after STARTTLS: {hello}").ConfigureAwait(false);
                }
            }
            if (requireTls && !connection.IsTls)
                return await FailAsync($"{name} does not offer STARTTLS, which the relay configuration requires").ConfigureAwait(false);
            return new OpenedSession(connection, null);
        }
        catch (SmtpClientException e)
        {
            return await FailAsync(e.Message).ConfigureAwait(false);
        }

        async Task<OpenedSession> FailAsync(string error)
        {
            LogHostFailed(logger, name, endpoint, error);
            if (connection is not null)
                await connection.DisposeAsync().ConfigureAwait(false);
            return new OpenedSession(null, error);
        }
    }

    /// <summary>MAIL, RCPT for each recipient, DATA, QUIT: per-recipient results from the server's replies.</summary>
    private async Task<IReadOnlyList<AttemptResult>> TransactAsync(SmtpClientConnection connection, string from, IReadOnlyList<string> recipients, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var remote = connection.RemoteName;
        var results = new Dictionary<string, AttemptResult>(StringComparer.Ordinal);
        var accepted = new List<string>();
        try
        {
            var needsUtf8 = !System.Text.Ascii.IsValid(from) || recipients.Any(r => !System.Text.Ascii.IsValid(r));
            if (needsUtf8 && !connection.Extensions.ContainsKey("SMTPUTF8"))
                return All(recipients, AttemptKind.Permanent, $"553 5.6.7 {remote} does not support SMTPUTF8, which these addresses need", "5.6.7", remote);
            if (connection.Extensions.TryGetValue("SIZE", out var sizeText) && long.TryParse(sizeText, out var limit) && limit > 0 && message.Length > limit)
                return All(recipients, AttemptKind.Permanent, $"552 5.3.4 {remote} accepts at most {limit} bytes; the message has {message.Length}", "5.3.4", remote);

            var mail = $"MAIL FROM:<{from}>";
            if (connection.Extensions.ContainsKey("SIZE"))
                mail += $" SIZE={message.Length}";
            if (connection.Extensions.ContainsKey("8BITMIME") && message.Span.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0)
                mail += " BODY=8BITMIME";
            if (needsUtf8)
                mail += " SMTPUTF8";
            var reply = await connection.CommandAsync(mail, settings.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (!reply.IsPositive)
                return All(recipients, Kind(reply), reply.ToString(), Status(reply), remote);

            foreach (var recipient in recipients)
            {
                reply = await connection.CommandAsync($"RCPT TO:<{recipient}>", settings.CommandTimeout, cancellationToken).ConfigureAwait(false);
                if (reply.IsPositive)
                    accepted.Add(recipient);
                else
                    results[recipient] = new AttemptResult(recipient, Kind(reply), reply.ToString(), Status(reply), remote);
            }
            if (accepted.Count > 0)
            {
                reply = await connection.CommandAsync("DATA", TimeSpan.FromMinutes(2) < settings.CommandTimeout ? TimeSpan.FromMinutes(2) : settings.CommandTimeout, cancellationToken).ConfigureAwait(false);
                if (reply.Code == 354)
                    reply = await connection.SendDataAsync(message, settings.CommandTimeout, settings.DataTimeout, cancellationToken).ConfigureAwait(false);
                var kind = reply.IsPositive && reply.Code != 354 ? AttemptKind.Delivered : Kind(reply);
                foreach (var recipient in accepted)
                    results[recipient] = new AttemptResult(recipient, kind, reply.ToString(), Status(reply), remote);
            }
            try
            {
                await connection.CommandAsync("QUIT", TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            }
            catch (SmtpClientException)
            {
                // The message is handed over; a server that drops the connection at QUIT changes nothing.
            }
        }
        catch (SmtpClientException e)
        {
            foreach (var recipient in recipients.Where(r => !results.ContainsKey(r)))
                results[recipient] = new AttemptResult(recipient, AttemptKind.Transient, $"451 4.4.2 {e.Message}", "4.4.2", remote);
        }
        return recipients.Select(r => results[r]).ToList();
    }

    private static AttemptKind Kind(SmtpClientReply reply) => reply.IsTransient ? AttemptKind.Transient : AttemptKind.Permanent;

    private static string Status(SmtpClientReply reply) => reply.Enhanced ?? (reply.Code switch
    {
        < 300 => "2.0.0",
        < 500 => "4.0.0",
        _ => "5.0.0",
    });

    private static List<AttemptResult> All(IEnumerable<string> recipients, AttemptKind kind, string response, string status, string? remote) =>
        recipients.Select(r => new AttemptResult(r, kind, response, status, remote)).ToList();

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbound: {Host} ({EndPoint}) not usable: {Error}")]
    private static partial void LogHostFailed(ILogger logger, string host, IPEndPoint endPoint, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbound: relay {Host} refused our credentials ({Reply}); check Smtp:Relay:Username/Password")]
    private static partial void LogRelayAuthFailed(ILogger logger, string host, string reply);
}
