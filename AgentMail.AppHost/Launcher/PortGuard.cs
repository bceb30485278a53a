using System.Net;
using System.Net.Sockets;

namespace AgentMail.AppHost.Launcher;

/// <summary>Checks before anything starts that every port is free, naming the option that moves a busy one.</summary>
internal static class PortGuard
{
    public static void EnsureFree(IEnumerable<(int Port, string What, string Option)> ports)
    {
        var busy = ports.Where(p => !IsFree(p.Port)).ToArray();
        if (busy.Length == 0)
            return;
        var list = string.Join("; ", busy.Select(p => $"{p.Port} ({p.What}, {p.Option})"));
        throw new LauncherException($"Port(s) already in use: {list}. Stop what uses them, choose others with those options, or pass --free-ports.");
    }

    private static bool IsFree(int port)
    {
        // The services listen on every interface (IPv6 dual-stack where available), so test that.
        var socket = Socket.OSSupportsIPv6
            ? new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true }
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using (socket)
        {
            try
            {
                socket.Bind(new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, port));
                socket.Listen();
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
