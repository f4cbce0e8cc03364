using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ActorNet.Host.Commands.FeedSim;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Tools;

/// <summary><c>actornet feed-sim</c> run as a process, with the test as the client a tcp-connect source would be.</summary>
public sealed class FeedSimSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("lines", "sensors", "sensor")]
    [InlineData("length-field", "ticks", "symbol")]
    public async Task Streams_json_records_with_increasing_seq_and_exits_0_on_sigterm(string framing, string records, string key)
    {
        using var directory = new TempDirectory();
        using var feed = await FeedSimProcess.StartAsync(directory, "--framing", framing, "--records", records, "--rate", "100");
        using var client = await Loopback.ConnectAsync(feed.Port);
        var frames = new WireFrames(client, framing);

        var seqs = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            using var record = JsonDocument.Parse(await frames.ReadAsync(Bound));
            var root = record.RootElement;
            Assert.False(string.IsNullOrEmpty(root.GetProperty(key).GetString()));
            Assert.True(DateTimeOffset.TryParse(root.GetProperty("at").GetString(), CultureInfo.InvariantCulture, out _), root.ToString());
            seqs.Add(root.GetProperty("seq").GetInt64());
        }
        Assert.Equal([1, 2, 3, 4, 5], seqs);

        await feed.Process.TerminateAsync();
        Assert.True(await feed.Process.WaitForExitAsync(Bound) == 0, feed.Process.Output);
        Assert.Contains($"client {client.PeerName()} connected", feed.Process.Stderr);
    }

    [Fact]
    public async Task Prints_what_a_client_sends_on_stdout_one_frame_per_line()
    {
        using var directory = new TempDirectory();
        using var feed = await FeedSimProcess.StartAsync(directory);
        using var client = await Loopback.ConnectAsync(feed.Port);

        await client.SendAsync(Encoding.UTF8.GetBytes("LOGIN demo secret\nPING\n"), SocketFlags.None);

        await Eventually.TrueAsync(() => feed.Process.Stdout.Contains("\tPING"), Bound, () => feed.Process.Output);
        Assert.Equal([$"{client.PeerName()}\tLOGIN demo secret", $"{client.PeerName()}\tPING"], feed.Process.Stdout.Split(Environment.NewLine));
    }

    [Fact]
    public async Task Drop_every_resets_the_connection_mid_frame_and_serves_the_client_again_when_it_reconnects()
    {
        using var directory = new TempDirectory();
        using var feed = await FeedSimProcess.StartAsync(directory, "--drop-every", "300ms", "--drop-mid-frame", "--rate", "50");

        using (var first = await Loopback.ConnectAsync(feed.Port))
        {
            var frames = new WireFrames(first, "lines");
            Assert.True(await frames.ReadUntilClosedAsync(Bound), "expected a reset (RST), got an orderly close");
            // Half a record arrived just before the reset: bytes with no line end.
            Assert.NotEmpty(frames.Pending);
            Assert.StartsWith("{\"sensor\":", Encoding.UTF8.GetString([.. frames.Pending]));
        }
        await Eventually.TrueAsync(() => feed.Process.Stderr.Contains("dropped"), Bound, () => feed.Process.Output);

        using var second = await Loopback.ConnectAsync(feed.Port);
        using var record = JsonDocument.Parse(await new WireFrames(second, "lines").ReadAsync(Bound));
        Assert.Equal(1, record.RootElement.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Stall_after_goes_silent_and_keeps_the_connection_open()
    {
        using var directory = new TempDirectory();
        using var feed = await FeedSimProcess.StartAsync(directory, "--stall-after", "300ms", "--rate", "50");
        using var client = await Loopback.ConnectAsync(feed.Port);
        var frames = new WireFrames(client, "lines");
        await frames.ReadAsync(Bound);

        await Eventually.TrueAsync(() => feed.Process.Stderr.Contains("stalled"), Bound, () => feed.Process.Output);
        // feed-sim reports the stall after its last write, and loopback writes land in this socket's buffer at once.
        while (client.Available > 0) await client.ReceiveAsync(new byte[client.Available], SocketFlags.None);

        using var silence = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var read = client.ReceiveAsync(new byte[1], SocketFlags.None, silence.Token).AsTask();
        // A read that times out is silence; a read that returns (data, or 0 for a close) or fails (reset) is not.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.False(client.IsClosedByServer(), "the connection was closed");
        Assert.DoesNotContain("dropped", feed.Process.Stderr);
    }

    [Fact]
    public async Task Cancelling_the_command_token_stops_feed_sim_with_exit_0()
    {
        var port = Loopback.FreePort();
        using var cancel = new CancellationTokenSource();
        var run = FeedSimCommand.Create().Parse(["--port", port.ToString(CultureInfo.InvariantCulture)]).InvokeAsync(cancellationToken: cancel.Token);

        // Listening once a client is served; polling connects until then.
        await Eventually.TrueAsync(() => CanConnect(port), Bound, () => $"feed-sim listening on 127.0.0.1:{port}");
        await cancel.CancelAsync();

        Assert.Equal(0, await run.WaitAsync(Bound));
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
