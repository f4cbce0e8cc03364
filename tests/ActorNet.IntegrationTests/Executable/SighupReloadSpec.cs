using System.Diagnostics;
using ActorNet.IntegrationTests.Hosting;
using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Executable;

/// <summary>
/// <c>kill -HUP</c> to the real executable reloads its <c>--config</c> file, as with nginx or Vector. It used to
/// terminate the process at once, without the drain.
/// </summary>
public sealed class SighupReloadSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sighup_reloads_the_file_while_a_peer_streams_and_an_invalid_file_is_logged_as_an_error_and_kept_out()
    {
        using var directory = new TempDirectory();
        var kept = TestConfig.UniqueSourceName("hup-kept");
        var added = TestConfig.UniqueSourceName("hup-added");
        var keptPort = Loopback.FreePort();
        // Bound only after the reload: a port no outgoing connection can take meanwhile.
        var addedPort = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        string Config(string more) => $$"""
            actornet {
              sources {
                {{kept}} { port = {{keptPort}}, parser = text, sinks = [ file ], quarantine = rejects }
                {{more}}
              }
              sinks {
                file { type = jsonl, path = "{{directory.File("frames.jsonl")}}", flush-interval = 50ms }
                rejects { type = jsonl, path = "{{directory.File("quarantine.jsonl")}}", flush-interval = 50ms }
              }
            }
            """;
        await File.WriteAllTextAsync(config, Config(""));

        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await process.WaitForOutputAsync($"Source {kept} listening on 127.0.0.1:{keptPort}", Bound);
        await using var peer = await StreamingPeer.StartAsync(keptPort, "hup-peer");
        await Eventually.TrueAsync(() => peer.Sent >= 200, Bound, () => $"the peer sent {peer.Sent} lines{Environment.NewLine}{process.Output}");

        await File.WriteAllTextAsync(config, Config($"{added} {{ port = {addedPort}, parser = text, sinks = [ file ], quarantine = rejects }}"));
        await SendAsync("HUP", process.Id);

        await process.WaitForOutputAsync($"Source {added} listening on 127.0.0.1:{addedPort}", Bound);
        await process.WaitForOutputAsync(line => line.Contains("Reloaded the configuration (SIGHUP)") && line.Contains($"added [{added}]"),
            "the reload's log line", Bound);
        Assert.False(process.HasExited);
        using (var second = await Loopback.ConnectAsync(addedPort))
            await second.SendAsync("from the added source\n"u8.ToArray(), System.Net.Sockets.SocketFlags.None);

        // An invalid file: logged at Error, and the process keeps running on what it had.
        await File.WriteAllTextAsync(config, Config($"{added} {{ port = {addedPort}, parser = nonsense, sinks = [ file ], quarantine = rejects }}"));
        await SendAsync("HUP", process.Id);
        await process.WaitForOutputAsync(line => line.Contains(" ERR ") && line.Contains("Reload (SIGHUP) rejected") && line.Contains($"actornet.sources.{added}.parser"),
            "the rejected reload at Error level", Bound);
        Assert.False(process.HasExited);
        Assert.False(peer.ClosedByServer.IsCompleted, $"the peer of the untouched source was closed{Environment.NewLine}{process.Output}");

        var sent = await peer.StopAsync();
        await process.TerminateAsync();
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{process.Output}");
        var payloads = JsonlRecords.TextPayloads(directory.File("frames.jsonl"));
        var stored = payloads.Where(p => p.StartsWith("hup-peer-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(Enumerable.Range(1, (int)sent).Select(n => StreamingPeer.Payload("hup-peer", n)), stored);
        Assert.Contains("from the added source", payloads);
    }

    private static async Task SendAsync(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            { UseShellExecute = false })!;
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (kill.ExitCode != 0) throw new XunitException($"kill -{signal} {pid} exited with {kill.ExitCode}");
    }
}
