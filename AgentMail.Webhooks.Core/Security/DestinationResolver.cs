using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace AgentMail.Webhooks.Core.Security;

/// <summary>
/// Resolves a webhook host and checks every address it resolves to. Used when a destination is
/// created or changed (a clear error up front) and by <see cref="Http.GuardedConnector"/> on
/// every connection (so a name rebound to a private address after creation is still refused).
/// </summary>
public sealed class DestinationResolver(IOptionsMonitor<WebhooksOptions> options)
{
    /// <summary>The host's addresses, all public unless private destinations are allowed; otherwise throws <see cref="DestinationAddressException"/>.</summary>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new DestinationAddressException($"The host {host} does not resolve ({e.SocketErrorCode}).");
            }
            if (addresses.Length == 0)
                throw new DestinationAddressException($"The host {host} does not resolve.");
        }
        if (options.CurrentValue.AllowPrivateDestinations)
            return addresses;
        foreach (var address in addresses)
        {
            if (!AddressPolicy.IsPublic(address, out var kind))
            {
                throw new DestinationAddressException(literal is null
                    ? $"The host {host} resolves to {address}, {kind}; webhooks are only delivered to public addresses."
                    : $"{address} is {kind}; webhooks are only delivered to public addresses.");
            }
        }
        return addresses;
    }
}
