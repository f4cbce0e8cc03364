using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorNet.Host.Commands.Tap;
using ActorNet.IntegrationTests.Executable;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Tools;

/// <summary><c>actornet tap</c>, the real executable, against a running ActorNet whose peers stream lines.</summary>
public sealed class TapSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Prints_limit_records_as_JSON_lines_carrying_the_frames_sent_and_exits_0()
    {
        var source = TestConfig.UniqueSourceName("tap");
        using var actornet = await LiveInstance.StartAsync([(source, "text")]);
        using var peer = await PacedLinePeer.StartAsync(actornet.Ports[source], "line");

        using var tap = ActorNetProcess.Start(actornet.DirectoryPath, "tap", "--url", actornet.Url.ToString(), "--limit", "5");

        Assert.True(await tap.WaitForExitAsync(Bound) == 0, tap.Output);
        var records = Records(tap.Stdout);
        Assert.Equal(5, records.Length);
        var numbers = records.Select(r =>
        {
            Assert.Equal("frame", r.GetProperty("kind").GetString());
            Assert.Equal(source, r.GetProperty("source").GetString());
            var payload = r.GetProperty("payload").GetString()!;
            Assert.Matches(@"^line-\d+$", payload);
            return long.Parse(payload["line-".Length..]);
        }).ToArray();
        // What the peer sent, in the order it sent it: five consecutive lines of one connection.
        Assert.Equal(Enumerable.Range(0, 5).Select(i => numbers[0] + i), numbers);
        Assert.True(numbers[^1] <= peer.Sent, $"line {numbers[^1]} printed, {peer.Sent} sent");
        // Piped: no progress line, nothing at all on standard error.
        Assert.Equal("", tap.Stderr);
    }

    [Fact]
    public async Task Runs_until_sigterm_then_exits_0_with_every_line_whole()
    {
        var source = TestConfig.UniqueSourceName("tap-sigterm");
        using var actornet = await LiveInstance.StartAsync([(source, "text")]);
        using var peer = await PacedLinePeer.StartAsync(actornet.Ports[source], "line");
        using var tap = ActorNetProcess.Start(actornet.DirectoryPath, "tap", "--url", actornet.Url.ToString());
        await tap.WaitForOutputAsync("\"kind\":\"frame\"", Bound);

        await tap.TerminateAsync();

        Assert.True(await tap.WaitForExitAsync(Bound) == 0, tap.Output);
        Assert.Equal("", tap.Stderr);
        Assert.All(Records(tap.Stdout), r => Assert.Equal(source, r.GetProperty("source").GetString()));
    }

    [Fact]
    public async Task Source_prints_only_the_records_of_that_source()
    {
        var wanted = TestConfig.UniqueSourceName("tap-wanted");
        var other = TestConfig.UniqueSourceName("tap-other");
        using var actornet = await LiveInstance.StartAsync([(wanted, "text"), (other, "text")]);
        using var wantedPeer = await PacedLinePeer.StartAsync(actornet.Ports[wanted], "wanted");
        using var otherPeer = await PacedLinePeer.StartAsync(actornet.Ports[other], "other");

        using var tap = ActorNetProcess.Start(actornet.DirectoryPath, "tap", "--url", actornet.Url.ToString(), "--source", wanted, "--limit", "20");

        Assert.True(await tap.WaitForExitAsync(Bound) == 0, tap.Output);
        var records = Records(tap.Stdout);
        Assert.Equal(20, records.Length);
        Assert.All(records, r => Assert.Equal(wanted, r.GetProperty("source").GetString()));
        Assert.All(records, r => Assert.StartsWith("wanted-", r.GetProperty("payload").GetString()));
        // The other source streamed all along, so the filter had something to leave out.
        Assert.True(otherPeer.Sent > 0, "the other peer sent nothing");
    }

    [Fact]
    public async Task Quarantine_prints_the_quarantined_frames_with_their_reason_instead_of_the_records()
    {
        var source = TestConfig.UniqueSourceName("tap-quarantine");
        using var actornet = await LiveInstance.StartAsync([(source, "json")]);
        using var peer = await PacedLinePeer.StartAsync(actornet.Ports[source], "good", badEvery: 5, json: true);

        using var tap = ActorNetProcess.Start(actornet.DirectoryPath, "tap", "--url", actornet.Url.ToString(), "--quarantine", "--limit", "3");

        Assert.True(await tap.WaitForExitAsync(Bound) == 0, tap.Output);
        var records = Records(tap.Stdout);
        Assert.Equal(3, records.Length);
        foreach (var record in records)
        {
            Assert.Equal("quarantined", record.GetProperty("kind").GetString());
            Assert.Equal(source, record.GetProperty("source").GetString());
            Assert.Equal("invalid-json", record.GetProperty("reason").GetString());
            Assert.Contains("invalid JSON", record.GetProperty("error").GetString());
            Assert.Equal(PacedLinePeer.BadLine, Encoding.UTF8.GetString(Convert.FromBase64String(record.GetProperty("raw").GetString()!)));
            // Every fifth line was the bad one, and seq counts the connection's frames from 1.
            Assert.Equal(0, record.GetProperty("seq").GetInt64() % peer.BadEvery);
        }
    }

    [Fact]
    public async Task Says_on_standard_error_how_many_records_the_server_dropped_while_the_tap_was_not_reading()
    {
        var source = TestConfig.UniqueSourceName("tap-slow");
        using var actornet = await LiveInstance.StartAsync([(source, "text")], liveSettings: "subscriber-buffer = 10");
        using var http = new HttpClient { BaseAddress = actornet.Url, Timeout = Bound };

        // Standard output is a pipe nobody reads: once it is full the tap blocks on a write and stops reading the socket.
        using var tap = StalledOutputProcess.Start(actornet.DirectoryPath, "tap", "--url", actornet.Url.ToString());
        using (await NumberedLinePeer.StartAsync(actornet.Ports[source]))
        {
            await Eventually.TrueAsync(() => LiveDropped(http) > 0, Bound,
                () => $"the live sink to drop records for the stalled tap{Environment.NewLine}{tap.Stderr}");
        }

        tap.ReadOutput();

        await Eventually.TrueAsync(() => tap.Stderr.Contains("the server dropped", StringComparison.Ordinal), Bound, () => tap.Stderr);
        Assert.Matches(@"actornet tap: the server dropped \d+ record\(s\) because this tap fell behind \(\d+ so far\)", tap.Stderr);
    }

    private static long LiveDropped(HttpClient http)
    {
        using var sinks = JsonDocument.Parse(http.GetStringAsync("api/sinks").GetAwaiter().GetResult());
        return sinks.RootElement.GetProperty("sinks").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "live")
            .GetProperty("dropped").GetInt64();
    }

    [Fact]
    public async Task Exits_1_saying_that_a_websocket_sink_is_needed_when_the_server_has_none()
    {
        var source = TestConfig.UniqueSourceName("tap-no-sink");
        using var actornet = await LiveInstance.StartAsync([(source, "text")], websocketSink: false);

        using var tap = ActorNetProcess.Start(actornet.DirectoryPath, "tap", "--url", actornet.Url.ToString(), "--limit", "1");

        Assert.True(await tap.WaitForExitAsync(Bound) == 1, tap.Output);
        Assert.Equal("", tap.Stdout);
        Assert.Contains("has no websocket sink", tap.Stderr);
        Assert.Contains("type = websocket", tap.Stderr);
    }

    [Fact]
    public async Task Exits_1_asking_for_the_token_when_it_is_missing_and_taps_once_given_it()
    {
        const string token = "tap-spec-token";
        var source = TestConfig.UniqueSourceName("tap-token");
        using var actornet = await LiveInstance.StartAsync([(source, "text")], adminToken: token);
        using var peer = await PacedLinePeer.StartAsync(actornet.Ports[source], "line");

        using (var refused = ActorNetProcess.Start(actornet.DirectoryPath, "tap", "--url", actornet.Url.ToString(), "--limit", "1"))
        {
            Assert.True(await refused.WaitForExitAsync(Bound) == 1, refused.Output);
            Assert.Equal("", refused.Stdout);
            var line = Assert.Single(refused.Stderr.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("401", line);
            Assert.Contains("--token", line);
        }

        using var tap = ActorNetProcess.Start(actornet.DirectoryPath, "tap", "--url", actornet.Url.ToString(), "--token", token, "--limit", "2");
        Assert.True(await tap.WaitForExitAsync(Bound) == 0, tap.Output);
        Assert.Equal(2, Records(tap.Stdout).Length);
    }

    [Theory]
    [InlineData("--sink", "file", "no websocket sink named \"file\"")]
    [InlineData("--source", "nowhere", "no source named \"nowhere\"")]
    public async Task Exits_1_naming_a_sink_that_is_not_a_websocket_sink_or_a_source_that_does_not_exist(string option, string name, string said)
    {
        var source = TestConfig.UniqueSourceName("tap-name");
        using var actornet = await LiveInstance.StartAsync([(source, "text")]);

        using var tap = ActorNetProcess.Start(actornet.DirectoryPath, "tap", "--url", actornet.Url.ToString(), option, name);

        Assert.True(await tap.WaitForExitAsync(Bound) == 1, tap.Output);
        Assert.Contains(said, tap.Stderr);
    }

    [Fact]
    public void Asks_the_server_for_the_sources_wanted()
    {
        var uri = TapSession.TailUri(new Uri("http://127.0.0.1:8080/"), "live", new HashSet<string> { "meters", "a b" });
        Assert.Equal("ws://127.0.0.1:8080/ws/tail?sink=live&source=a%20b&source=meters", uri.AbsoluteUri);
        Assert.Equal("ws://127.0.0.1:8080/ws/tail?source=meters", TapSession.TailUri(new Uri("http://127.0.0.1:8080/"), null, ["meters"]).AbsoluteUri);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/", null, "ws://127.0.0.1:8080/ws/tail")]
    [InlineData("https://actornet.example.com/proxy/", "live", "wss://actornet.example.com/proxy/ws/tail?sink=live")]
    [InlineData("http://[::1]:9000/", "a b", "ws://[::1]:9000/ws/tail?sink=a%20b")]
    public void Taps_the_tail_below_the_url_over_ws_or_wss(string url, string? sink, string expected) =>
        Assert.Equal(expected, TapSession.TailUri(new Uri(url), sink).AbsoluteUri);

    [Fact]
    public async Task Exits_1_naming_the_url_when_nothing_listens_there()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();

        using var tap = ActorNetProcess.Start(directory.Path, "tap", "--url", $"http://127.0.0.1:{port}");

        Assert.True(await tap.WaitForExitAsync(Bound) == 1, tap.Output);
        Assert.Matches(new Regex($@"^actornet tap: cannot connect to ws://127\.0\.0\.1:{port}/ws/tail"), tap.Stderr);
    }

    private static JsonElement[] Records(string stdout) =>
        stdout.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToArray();
}
