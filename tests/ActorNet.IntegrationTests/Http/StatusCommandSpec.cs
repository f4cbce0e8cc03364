using System.Net.Sockets;
using ActorNet.Host.Commands.Status;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Http;

/// <summary><c>actornet status</c>'s code run in-process against a running ActorNet and its operations server.</summary>
public sealed class StatusCommandSpec : HttpTestKit
{
    private const string Token = "status-spec-token";

    [Fact]
    public async Task Prints_the_source_and_each_connection_peer_in_aligned_tables()
    {
        await StartAsync(adminToken: Token);
        using var a = await ConnectAsync();
        using var b = await ConnectAsync();
        await a.SendAsync("one\ntwo\n"u8.ToArray(), SocketFlags.None);
        await b.SendAsync("three\n"u8.ToArray(), SocketFlags.None);
        await PollAsync(() => Task.FromResult(Service.Status.Connections.Sum(c => c.FramesReceived)), n => n == 3, n => $"3 frames; {n}");

        var (exit, output, error) = await RunAsync(Http.BaseAddress!, Token);

        Assert.True(exit == 0, error);
        Assert.Equal("", error);
        var lines = output.Split(Environment.NewLine);
        var sourceRow = Assert.Single(lines, l => l.StartsWith(SourceName + " ", StringComparison.Ordinal));
        Assert.Contains("tcp-listen", sourceRow);
        Assert.Contains("listening", sourceRow);
        var header = Assert.Single(lines, l => l.StartsWith("ID ", StringComparison.Ordinal) || l.TrimStart().StartsWith("ID ", StringComparison.Ordinal));
        foreach (var (peer, frames) in new[] { (a.PeerName(), "2"), (b.PeerName(), "1") })
        {
            var row = Assert.Single(lines, l => l.Contains(peer, StringComparison.Ordinal));
            // Aligned: each connection's peer starts under the PEER header.
            Assert.Equal(header.IndexOf("PEER", StringComparison.Ordinal), row.IndexOf(peer, StringComparison.Ordinal));
            Assert.Contains(SourceName, row);
            Assert.Contains($" {frames} ", row);
        }
        Assert.Contains("CONNECTIONS (2)", output);
    }

    [Fact]
    public async Task Exits_1_with_one_line_when_the_admin_token_is_missing_or_wrong()
    {
        await StartAsync(adminToken: Token);

        foreach (var token in new[] { null, "wrong" })
        {
            var (exit, output, error) = await RunAsync(Http.BaseAddress!, token);

            Assert.Equal(1, exit);
            Assert.Equal("", output);
            var line = Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("401", line);
            Assert.Contains("--token", line);
        }
    }

    [Fact]
    public async Task Exits_1_with_one_line_naming_the_url_when_nothing_listens_there()
    {
        var url = new Uri($"http://127.0.0.1:{Loopback.FreePort()}/");

        var (exit, output, error) = await RunAsync(url, token: null);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"actornet status: cannot connect to {url}", line);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(Uri url, string? token)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await StatusCommand.RunAsync(url, token, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }
}
