namespace ActorNet.Configuration;

/// <summary>The keys only a <c>type = udp</c> source reads (see reference.conf).</summary>
/// <param name="ReceiveBufferSize">receive-buffer-size: SO_RCVBUF asked of the kernel; null (off) keeps the kernel's default.</param>
/// <param name="MaxPeers">max-peers: sender addresses remembered (seq, counters); the least recently seen is forgotten past it.</param>
public sealed record UdpSourceSettings(int? ReceiveBufferSize, int MaxPeers)
{
    public static readonly UdpSourceSettings Default = new(4 * 1024 * 1024, 10_000);

    /// <summary>The largest payload a UDP datagram can carry (IPv4: 65,535 - 8 - 20).</summary>
    public const int MaxDatagramPayload = 65_507;

    internal static UdpSourceSettings Read(ConfigSection s)
    {
        const string expected = "a size from 1 KiB to 1 GiB, such as 4 MiB, or off for the kernel's default";
        int? receiveBuffer = null;
        var text = s.Text("receive-buffer-size", expected);
        if (text is not null and not "off")
        {
            if (SizeParser.TryParse(text, out var bytes) && bytes is >= 1024 and <= 1L << 30) receiveBuffer = (int)bytes;
            else s.Error("receive-buffer-size", text, expected);
        }
        return new UdpSourceSettings(receiveBuffer, s.Int("max-peers", 1, 10_000_000));
    }

    /// <summary>What a udp source cannot do, said at start-up rather than ignored.</summary>
    internal static void Validate(SourceSettings source, ConfigSection ack)
    {
        // A datagram may be lost on the way: ACK n would promise an order and completeness UDP does not give.
        if (source.Ack) ack.Error("enabled", "on", "off for a udp source (datagrams carry no stream to acknowledge)");
    }
}
