using System.Net.Sockets;
using ActorNet.IntegrationTests.Http;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.EndToEnd;

/// <summary>
/// idle-timeout counts the peer's silence, not ActorNet's: while a connection does not read (its sinks have not
/// acknowledged max-inflight-frames), the timeout is ignored and starts again; once reading resumes and the peer stays
/// silent, it applies.
/// </summary>
public sealed class IdleWhilePausedSpec : HttpTestKit
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task A_peer_ActorNet_stopped_reading_is_not_closed_as_idle_and_is_closed_once_silent_after_reading_resumed()
    {
        DataGate = new SemaphoreSlim(0);
        StartActorNet($"parser = text\nidle-timeout = {IdleTimeout.TotalMilliseconds}ms\nmax-inflight-frames = 2");
        using var peer = await ConnectAsync();
        await peer.SendAsync("a\nb\nc\nd\n"u8.ToArray(), SocketFlags.None);

        var closed = peer.AwaitClosedByServerAsync(IdleTimeout * 10 + Bound);

        // The sink holds the first batch: the connection stops reading, and its peer says nothing for ten timeouts, a
        // window in which the close must not come (as TestKit's ExpectNoMsg waits out its window).
        var window = Task.Delay(IdleTimeout * 10);
        Assert.Same(window, await Task.WhenAny(closed, window));
        Assert.Empty(Data);

        DataGate.Release(100);
        await Eventually.TrueAsync(() => Data.Count == 4, Bound, () => $"4 lines stored; {Data.Count}");
        var stored = DateTime.UtcNow;
        await closed;
        Assert.True(DateTime.UtcNow - stored >= IdleTimeout - TimeSpan.FromMilliseconds(50), "closed before the peer was silent for the timeout");
    }
}
