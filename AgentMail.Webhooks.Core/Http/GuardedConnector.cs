using System.Net;
using System.Net.Sockets;
using AgentMail.Webhooks.Core.Security;

namespace AgentMail.Webhooks.Core.Http;

/// <summary>
/// The connect step of every webhook request (deliveries, challenges, test events): resolves the
/// host itself, refuses the connection unless every address is allowed, and connects to those
/// very addresses. Checking where the socket actually goes — not the URL when it was saved —
/// is what defeats DNS rebinding.
/// </summary>
public sealed class GuardedConnector(DestinationResolver resolver)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = await resolver.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }
}
