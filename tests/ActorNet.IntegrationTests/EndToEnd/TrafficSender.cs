using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ActorNet.IntegrationTests.Support;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.EndToEnd;

/// <summary>Plays <see cref="PeerTraffic"/> from concurrent loopback peers.</summary>
public static class TrafficSender
{
    /// <summary>
    /// Connects every peer at once, sends its stream in its writes, half-closes, and waits until the server has
    /// closed the connection too: ActorNet closes a peer only after handling its end of stream, so when this returns
    /// every byte has been read and cut into frames. Returns each peer's traffic under its <c>ip:port</c>.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, PeerTraffic>> SendAsync(int port, IReadOnlyList<PeerTraffic> peers, TimeSpan within)
    {
        var progress = new ConcurrentDictionary<int, string>();
        // Peers run on the thread pool (ConfigureAwait(false) inside), not on the test framework's few threads.
        var sending = Task.WhenAll(peers.Select((peer, i) => Task.Run(() => SendOneAsync(port, peer, within, state => progress[i] = state))));
        try
        {
            var sent = await sending.WaitAsync(within);
            return sent.ToDictionary(s => s.Name, s => s.Traffic);
        }
        catch (Exception e) when (e is not XunitException)
        {
            var what = sending.IsCompleted ? $"a peer failed ({e.GetType().Name}: {e.Message})" : $"the peers did not finish within {within.TotalSeconds:0.###} s";
            var unfinished = progress.Where(p => p.Value != "done").OrderBy(p => p.Key).Select(p => $"peer {p.Key} (seed {peers[p.Key].Seed}): {p.Value}");
            throw new XunitException($"{what}; {progress.Count(p => p.Value == "done")} of {peers.Count} finished " +
                $"(thread pool: {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} work items queued). The others:" +
                Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", unfinished));
        }
    }

    /// <summary>How many writes end inside a multi-byte UTF-8 character (the next write starts with a continuation byte).</summary>
    public static int WritesSplittingACharacter(IEnumerable<PeerTraffic> peers) =>
        peers.Sum(peer => peer.Writes().Count(w => IsContinuationByteAfter(peer.Stream, w)));

    private static bool IsContinuationByteAfter(byte[] stream, ReadOnlyMemory<byte> write)
    {
        // Writes are slices of the stream, so the write's end is where the next one begins.
        MemoryMarshal.TryGetArray(write, out var segment);
        var end = segment.Offset + segment.Count;
        return end < stream.Length && (stream[end] & 0xC0) == 0x80 && (stream[end - 1] & 0x80) != 0;
    }

    private static async Task<(string Name, PeerTraffic Traffic)> SendOneAsync(int port, PeerTraffic peer, TimeSpan within, Action<string> report)
    {
        var state = "connecting";
        report(state);
        try
        {
            using var socket = await Loopback.ConnectAsync(port).ConfigureAwait(false);
            var name = socket.PeerName();
            var writes = peer.Writes();
            long bytes = 0;
            for (var i = 0; i < writes.Count; i++)
            {
                report(state = $"{name} sending write {i + 1} of {writes.Count} ({bytes} of {peer.Stream.Length} bytes sent)");
                var write = writes[i];
                var sent = 0;
                while (sent < write.Length) sent += await socket.SendAsync(write[sent..], SocketFlags.None).ConfigureAwait(false);
                bytes += sent;
            }
            socket.Shutdown(SocketShutdown.Send);
            report(state = $"{name} sent all {bytes} bytes and half-closed; waiting for the server to close");
            await socket.AwaitClosedByServerAsync(within).ConfigureAwait(false);
            report("done");
            return (name, peer);
        }
        catch (Exception e)
        {
            report($"{state}: failed with {e.GetType().Name}: {e.Message}");
            throw;
        }
    }
}
