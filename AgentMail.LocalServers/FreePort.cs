using System.Net;
using System.Net.Sockets;

namespace AgentMail.LocalServers;

public static class FreePort
{
    /// <summary>A TCP port on loopback that nothing listens on at the moment of asking.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
