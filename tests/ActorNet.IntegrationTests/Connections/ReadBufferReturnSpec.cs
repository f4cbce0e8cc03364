using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Http;
using ActorNet.IntegrationTests.Support;
using ActorNet.Protocol;
using Xunit;

namespace ActorNet.IntegrationTests.Connections;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BufferPoolCollection
{
    // The byte pool is the process's: no other test may rent or return while one counts it.
    public const string Name = "buffer pool";
}

/// <summary>
/// A connection that ends with no receive under way gives its read buffer back to the pool: the last read of every
/// connection the peer closes is the 0-byte one, into a freshly rented buffer, and abandoning that buffer cost every
/// closed connection a new 64 KiB array.
/// </summary>
[Collection(BufferPoolCollection.Name)]
public sealed class ReadBufferReturnSpec : HttpTestKit
{
    private const int Peers = 200;

    [Fact]
    public async Task Connections_the_peers_close_give_their_read_buffers_back_to_the_pool()
    {
        StartActorNet("parser = text");
        // One round first: what the pools and the pipeline rent once is out before the count starts.
        await RoundAsync(first: 0, peers: 10);
        var before = BatchBuffers.OutstandingByteArrays;

        await RoundAsync(first: 10, peers: Peers);

        // Without returning, each of the 200 connections would leave one array out for good; the batches are back
        // from the sink a moment after their lines are stored.
        await Eventually.ValueAsync(() => BatchBuffers.OutstandingByteArrays, after => after - before < Peers / 10, Bound,
            () => $"fewer than {Peers / 10} byte arrays more out after {Peers} connections opened, sent a line and were closed by their peers; {before} before, {BatchBuffers.OutstandingByteArrays} now");
    }

    private async Task RoundAsync(int first, int peers)
    {
        for (var i = first; i < first + peers; i++)
        {
            using var peer = await ConnectAsync();
            await peer.SendAsync(Encoding.ASCII.GetBytes($"line {i}\n"), SocketFlags.None);
            // Stored (its batch back from the sink) before the peer closes: what is counted is the read after it.
            await PollAsync(() => Task.FromResult(Data.Count), n => n == i + 1, n => $"{i + 1} lines stored; {n}");
            peer.Shutdown(SocketShutdown.Send);
            await peer.AwaitClosedByServerAsync(Bound);
        }
        await PollAsync(() => Task.FromResult(Service.Status.ConnectionCount), n => n == 0, n => $"no connection left; {n} open");
    }
}
