using System.Net;
using System.Net.Sockets;
using ActorNet.Configuration;

namespace ActorNet.Connections.Udp;

/// <summary>Binds the socket of a udp source at start-up, so that a taken port fails the start naming the source.</summary>
internal static class UdpSocketBinder
{
    public static Socket Bind(SourceSettings source, IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Linux clamps the request to net.core.rmem_max without a word (and doubles it for its bookkeeping): what
            // was granted is read back and reported, never assumed.
            if (source.Udp.ReceiveBufferSize is { } requested) socket.ReceiveBufferSize = requested;
            socket.Bind(new IPEndPoint(address, source.Port));
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new InvalidConfigurationException([$"actornet.sources.{source.Name}: cannot receive UDP on {address}:{source.Port}: {e.Message}"]);
        }
    }
}
