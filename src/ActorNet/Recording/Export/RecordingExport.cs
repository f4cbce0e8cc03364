using System.Net;

namespace ActorNet.Recording.Export;

/// <summary>What an export wrote.</summary>
public sealed record ExportResult(long Packets, IReadOnlyList<TornTail> TornTails);

/// <summary>
/// <c>actornet record export</c>: every read (peer → ActorNet) and write (ActorNet → peer) of a recording as one
/// packet of a pcapng file, with the connection's addresses and ports (the local one comes from its open record;
/// 0.0.0.0:0 when that file was already deleted). Opens and closes carry no bytes and are left out. The first packet of
/// a TLS connection whose peer presented a client certificate carries its subject as the packet's comment. A udp
/// source's datagrams are tagged UDP, a connection's reads and writes TCP.
/// </summary>
public static class RecordingExport
{
    private static readonly IPEndPoint Unknown = new(IPAddress.Any, 0);

    /// <exception cref="DirectoryNotFoundException"><paramref name="dir"/> does not exist.</exception>
    public static ExportResult ToPcapng(string dir, string outputPath)
    {
        var reader = new RecordingReader(dir);
        var local = new Dictionary<(string, long), IPEndPoint>();
        var subjects = new Dictionary<(string, long), string>();
        var datagramPeers = new HashSet<(string, long)>();
        long packets = 0;
        using (var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var pcapng = new PcapngWriter(output))
        {
            foreach (var e in reader.Events())
            {
                var key = (e.Source, e.ConnectionId);
                switch (e.Kind)
                {
                    case RecordKind.Open:
                        local[key] = IPEndPoint.TryParse(System.Text.Encoding.UTF8.GetString(e.Data), out var endpoint) ? endpoint : Unknown;
                        if (e.ClientSubject is { } subject) subjects[key] = subject;
                        if (e.Datagrams) datagramPeers.Add(key);
                        break;
                    case RecordKind.In or RecordKind.Out:
                        var peer = IPEndPoint.TryParse(e.Peer, out var address) ? address : Unknown;
                        var ours = local.GetValueOrDefault(key, Unknown);
                        var comment = subjects.Remove(key, out var clientSubject) ? $"client certificate: {clientSubject}" : null;
                        var udp = datagramPeers.Contains(key);
                        if (e.Kind == RecordKind.In) pcapng.WritePacket(e.At, peer, ours, e.Data, comment: comment, udp: udp);
                        else pcapng.WritePacket(e.At, ours, peer, e.Data, comment: comment, udp: udp);
                        packets++;
                        break;
                    case RecordKind.Close:
                        local.Remove(key);
                        subjects.Remove(key);
                        datagramPeers.Remove(key);
                        break;
                }
            }
        }
        return new ExportResult(packets, reader.TornTails.ToArray());
    }
}
