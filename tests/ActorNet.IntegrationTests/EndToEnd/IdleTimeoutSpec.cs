using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.EndToEnd;

public sealed class IdleTimeoutSpec
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_silent_peer_is_closed_after_the_idle_timeout()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        await using var net = await StartAsync(directory, port);

        using var silent = await Loopback.ConnectAsync(port);
        var clock = Stopwatch.StartNew();
        await silent.AwaitClosedByServerAsync(Bound);

        // Not before the timeout (a little slack for the scheduler's 10 ms tick).
        Assert.InRange(clock.Elapsed, IdleTimeout - TimeSpan.FromMilliseconds(50), Bound);
    }

    [Fact]
    public async Task A_peer_sending_a_frame_every_50ms_for_a_second_stays_open_and_is_closed_once_it_falls_silent()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        var frames = directory.File("frames.jsonl");
        await using var net = await StartAsync(directory, port);

        // A loaded test machine can stall this sender past the idle timeout, and then a close is deserved: such an
        // attempt proves nothing either way and is repeated. A close while every gap was well under the timeout fails.
        Socket? talker = null;
        for (var attempt = 1; talker is null; attempt++)
        {
            var peer = await Loopback.ConnectAsync(port);
            var (closed, longestGap) = await SendEvery50msForASecondAsync(peer);
            if (!closed)
            {
                talker = peer;
                continue;
            }
            peer.Dispose();
            Assert.True(longestGap > IdleTimeout - TimeSpan.FromMilliseconds(50),
                $"closed although it never fell silent for more than {longestGap.TotalMilliseconds:0} ms:{Environment.NewLine}{net.Log.Dump("Connection")}");
            Assert.True(attempt < 3, $"the sender was stalled for {longestGap.TotalMilliseconds:0} ms in each of 3 attempts");
        }

        using (talker)
        {
            var connection = await Eventually.ValueAsync(() => RecordsOf(frames, talker.PeerName()), r => r.Count == 20, Bound, "20 records of the talker");
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"tick {i}"), connection.Select(r => r.GetProperty("payload").GetString()));
            Assert.Single(connection.Select(r => r.GetProperty("connection").GetInt64()).Distinct());

            await talker.AwaitClosedByServerAsync(Bound);
        }
    }

    /// <summary>
    /// Sends "tick 0" to "tick 19", one every 50 ms, and says whether the server closed the connection meanwhile
    /// (checked once more right after the last send), and the longest gap between two sends.
    /// </summary>
    private static async Task<(bool Closed, TimeSpan LongestGap)> SendEvery50msForASecondAsync(Socket peer)
    {
        // The pace is the traffic under test (a second of it, over three idle timeouts), not a wait for ActorNet;
        // ConfigureAwait(false) keeps it off the test framework's few threads, which other tests keep busy.
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var clock = Stopwatch.StartNew();
        var longestGap = TimeSpan.Zero;
        var lastSend = TimeSpan.Zero;
        for (var i = 0; i < 20; i++)
        {
            if (i > 0) await pace.WaitForNextTickAsync().ConfigureAwait(false);
            var now = clock.Elapsed;
            if (i > 0 && now - lastSend > longestGap) longestGap = now - lastSend;
            lastSend = now;
            try
            {
                if (peer.IsClosedByServer()) return (true, longestGap);
                await peer.SendAsync(Encoding.UTF8.GetBytes($"tick {i}\n"), SocketFlags.None).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // A broken pipe or a reset: the server closed between the check and the send.
                return (true, longestGap);
            }
        }
        return (peer.IsClosedByServer(), longestGap);
    }

    private static IReadOnlyList<JsonElement> RecordsOf(string path, string peer) =>
        JsonlRecords.Read(path).Where(r => r.GetProperty("peer").GetString() == peer).ToArray();

    private static Task<InProcessActorNet> StartAsync(TempDirectory directory, int port) =>
        InProcessActorNet.StartAsync(TestConfig.OneSource(TestConfig.UniqueSourceName("idle"), port, directory,
            $"idle-timeout = {IdleTimeout.TotalMilliseconds}ms, parser = text"));
}
