using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorNet.Http.Admin;
using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Sdk;
using static ActorNet.IntegrationTests.Feeds.EchoReplySpec;

namespace ActorNet.IntegrationTests.Tools;

/// <summary>
/// <c>actornet send --connection ID</c> and <c>--broadcast SOURCE</c>, the built executable, against a real
/// <c>actornet run</c> with its HTTP endpoints and an admin token, and peers on loopback.
/// </summary>
public sealed partial class SendThroughAdminApiSpec
{
    private const string Token = "send-cli-spec-token";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Send_connection_writes_each_line_to_that_peer_and_broadcast_to_every_peer_of_the_source()
    {
        await using var actornet = await RunningActorNet.StartAsync();
        using var a = await Loopback.ConnectAsync(actornet.Port);
        using var b = await Loopback.ConnectAsync(actornet.Port);
        var idA = await actornet.ConnectionIdOfAsync(a);
        var idB = await actornet.ConnectionIdOfAsync(b);
        var lines = actornet.Directory.File("commands.txt");
        await File.WriteAllLinesAsync(lines, ["LED on", "REBOOT in 5"]);

        using (var send = ActorNetProcess.Start(actornet.Directory.Path, "send", "--connection", idA.ToString(), "--url", actornet.Url.ToString(),
                   "--token", Token, "--file", lines))
        {
            Assert.True(await send.WaitForExitAsync(Bound) == 0, send.Output);
            Assert.Equal("", send.Stdout);
            Assert.StartsWith($"sent 2 frame(s) to connection {idA} through {actornet.Url}", send.Stderr);
        }
        Assert.Equal("LED on\nREBOOT in 5\n", await ReceiveExactlyAsync(a, 19));

        using (var broadcast = ActorNetProcess.Start(actornet.Directory.Path, "send", "--broadcast", actornet.Source, "--url", actornet.Url.ToString(),
                   "--token", Token, "--count", "2"))
        {
            Assert.True(await broadcast.WaitForExitAsync(Bound) == 0, broadcast.Output);
            Assert.Contains("sent 2 frame(s) to every connection of source", broadcast.Stderr);
            Assert.Contains("the last reached 2 connection(s)", broadcast.Stderr);
        }
        foreach (var peer in new[] { a, b })
        {
            var received = await ReceiveLinesAsync(peer, 2);
            Assert.Equal([1, 2], received.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("seq").GetInt32()));
        }
        // b's first bytes were the broadcast: the two lines sent to a never reached it.
        Assert.Equal(0, b.Available);
        Assert.NotEqual(idA, idB);
    }

    [Fact]
    public async Task Send_exits_1_with_one_line_for_a_missing_token_and_an_unknown_connection_and_writes_nothing()
    {
        await using var actornet = await RunningActorNet.StartAsync();
        using var peer = await Loopback.ConnectAsync(actornet.Port);
        var id = await actornet.ConnectionIdOfAsync(peer);

        var refusals = new (string[] Arguments, string[] Expected)[]
        {
            (["--connection", id.ToString()], ["401", "--token"]),
            (["--connection", id.ToString(), "--token", "wrong"], ["401", "--token"]),
            (["--connection", "987654321", "--token", Token], ["404", "no open connection has id 987654321"]),
            (["--broadcast", "no-such-source", "--token", Token], ["404", "no source is named \"no-such-source\""]),
        };
        foreach (var (arguments, expected) in refusals)
        {
            using var send = ActorNetProcess.Start(actornet.Directory.Path, ["send", .. arguments, "--url", actornet.Url.ToString(), "--count", "1"]);

            Assert.True(await send.WaitForExitAsync(Bound) == 1, send.Output);
            var error = send.Stderr.Split(Environment.NewLine).Single(l => l.StartsWith("actornet send: ", StringComparison.Ordinal));
            Assert.All(expected, e => Assert.Contains(e, error));
            Assert.Contains("sent 0 frame(s)", send.Stderr);
        }

        // The TCP mode is untouched: HOST:PORT sends straight to ActorNet's listener, which stores the reading.
        using (var tcp = ActorNetProcess.Start(actornet.Directory.Path, "send", $"127.0.0.1:{actornet.Port}", "--count", "1", "--wait", "0s"))
            Assert.True(await tcp.WaitForExitAsync(Bound) == 0, tcp.Output);
        await Eventually.TrueAsync(() => JsonlRecords.Count(actornet.Directory.File("frames.jsonl")) == 1, Bound, () => actornet.Process.Output);

        // None of the refused sends reached the peer: its first bytes are a line sent now.
        await actornet.PostAsync($"api/connections/{id}/send", "own");
        Assert.Equal("own\n", await ReceiveExactlyAsync(peer, 4));
    }

    private static async Task<string[]> ReceiveLinesAsync(Socket peer, int count)
    {
        var text = "";
        while (text.Count(c => c == '\n') < count) text += await ReceiveExactlyAsync(peer, 1);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [GeneratedRegex(@"HTTP endpoints listening on (http://\S+/)")]
    private static partial Regex ListeningUrl();

    /// <summary><c>actornet run</c> with one newline-delimited source, its HTTP endpoints on a free port and <see cref="Token"/>.</summary>
    private sealed class RunningActorNet : IAsyncDisposable
    {
        private readonly HttpClient _http;

        private RunningActorNet(TempDirectory directory, ActorNetProcess process, string source, int port, Uri url)
        {
            Directory = directory;
            Process = process;
            Source = source;
            Port = port;
            Url = url;
            _http = new HttpClient { BaseAddress = url, Timeout = Bound };
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        public TempDirectory Directory { get; }
        public ActorNetProcess Process { get; }
        public string Source { get; }
        public int Port { get; }
        public Uri Url { get; }

        public static async Task<RunningActorNet> StartAsync()
        {
            var directory = new TempDirectory();
            var source = TestConfig.UniqueSourceName("send-api");
            var port = Loopback.FreePort();
            var config = directory.File("actornet.conf");
            await File.WriteAllTextAsync(config, TestConfig.OneSource(source, port, directory, "parser = text",
                actornetSettings: $"http {{ enabled = on, port = 0, admin-token = \"{Token}\" }}"));
            var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
            try
            {
                await process.WaitForOutputAsync("HTTP endpoints listening on http://127.0.0.1:", Bound);
                await process.WaitForOutputAsync($"Source {source} listening on 127.0.0.1:{port}", Bound);
            }
            catch
            {
                process.Dispose();
                directory.Dispose();
                throw;
            }
            return new RunningActorNet(directory, process, source, port, new Uri(ListeningUrl().Match(process.Stdout).Groups[1].Value));
        }

        /// <summary>The id of <paramref name="peer"/>'s connection, read from <c>GET /api/connections</c> as an operator would.</summary>
        public async Task<long> ConnectionIdOfAsync(Socket peer)
        {
            var name = peer.PeerName();
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var connections = (await _http.GetFromJsonAsync("api/connections", AdminJsonContext.Default.ConnectionsResponse))!.Connections;
                if (connections.FirstOrDefault(c => c.Peer == name) is { } connection) return connection.Id;
                if (clock.Elapsed > Bound) throw new XunitException($"no connection from {name} within {Bound.TotalSeconds} s\n{Process.Output}");
                await Task.Delay(20);
            }
        }

        public async Task PostAsync(string path, string body)
        {
            using var response = await _http.PostAsync(path, new StringContent(body));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            try
            {
                await Process.TerminateAsync();
                await Process.WaitForExitAsync(Bound);
            }
            finally
            {
                Process.Dispose();
                Directory.Dispose();
            }
        }
    }
}
