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
        // What each connection's open record said, until its close.
        var open = new Dictionary<(string, long), OpenConnection>();
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
                        var local = IPEndPoint.TryParse(System.Text.Encoding.UTF8.GetString(e.Data), out var endpoint) ? endpoint : Unknown;
                        open[key] = new OpenConnection(local, e.Datagrams) { PendingSubject = e.ClientSubject };
                        break;
                    case RecordKind.In or RecordKind.Out:
                        var peer = IPEndPoint.TryParse(e.Peer, out var address) ? address : Unknown;
                        var connection = open.GetValueOrDefault(key);
                        var ours = connection?.Local ?? Unknown;
                        var udp = connection?.Datagrams ?? false;
                        // The subject goes with the connection's first packet only.
                        var comment = connection?.PendingSubject is { } subject ? $"client certificate: {subject}" : null;
                        if (connection is not null) connection.PendingSubject = null;
                        if (e.Kind == RecordKind.In) pcapng.WritePacket(e.At, peer, ours, e.Data, comment: comment, udp: udp);
                        else pcapng.WritePacket(e.At, ours, peer, e.Data, comment: comment, udp: udp);
                        packets++;
                        break;
                    case RecordKind.Close:
                        open.Remove(key);
                        break;
                }
            }
        }
        return new ExportResult(packets, reader.TornTails.ToArray());
    }

    /// <summary>A connection's end of ActorNet, its transport, and the client subject its first packet has yet to carry.</summary>
    private sealed record OpenConnection(IPEndPoint Local, bool Datagrams)
    {
        public string? PendingSubject { get; set; }
    }
}
