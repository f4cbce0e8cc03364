using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Udp;

/// <summary><c>actornet check-config FILE</c> on udp sources, run as an operator runs it.</summary>
public sealed class UdpCheckConfigSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static string WriteConfig(TempDirectory directory, string sourceKeys)
    {
        var path = directory.File("actornet.conf");
        File.WriteAllText(path, $$"""
            actornet {
              sources.syslog { type = udp, port = 17514, {{sourceKeys}} }
              sinks {
                file { type = jsonl, path = "data/frames.jsonl" }
                rejects { type = jsonl, path = "data/quarantine.jsonl" }
              }
            }
            """);
        return path;
    }

    [Fact]
    public async Task A_udp_source_is_valid_and_its_keys_are_printed()
    {
        using var directory = new TempDirectory();
        var config = WriteConfig(directory, "framing.type = raw, receive-buffer-size = 8 MiB, max-peers = 500");

        using var process = ActorNetProcess.Start(directory.Path, "check-config", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 0, process.Output);
        Assert.Contains("udp", process.Stdout);
        Assert.Contains("receive-buffer-size", process.Stdout);
        Assert.Contains("500", process.Stdout);
    }

    [Fact]
    public async Task Bad_udp_keys_exit_1_each_named_with_its_value_in_one_pass()
    {
        using var directory = new TempDirectory();
        var config = WriteConfig(directory, "receive-buffer-size = 12, max-peers = 0, ack.enabled = on");

        using var process = ActorNetProcess.Start(directory.Path, "check-config", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 1, process.Output);
        Assert.Contains("actornet.sources.syslog.receive-buffer-size: \"12\" is not valid", process.Output);
        Assert.Contains("actornet.sources.syslog.max-peers: \"0\" is not valid", process.Output);
        Assert.Contains("actornet.sources.syslog.ack.enabled: \"on\" is not valid; expected off for a udp source", process.Output);
    }
}
