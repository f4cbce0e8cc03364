using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Tools;

/// <summary><c>actornet send</c> against a real <c>actornet run</c>: the tool is a client ActorNet ingests from.</summary>
public sealed class SendToActorNetSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Fifty_generated_readings_become_fifty_records_in_the_jsonl_sink()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("send");
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, TestConfig.OneSource(source, port, directory, "parser = json"));
        using var actornet = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await actornet.WaitForOutputAsync($"Source {source} listening on 127.0.0.1:{port}", Bound);

        using var send = ActorNetProcess.Start(directory.Path, "send", $"127.0.0.1:{port}", "--count", "50", "--rate", "1000", "--wait", "0s");

        Assert.True(await send.WaitForExitAsync(Bound) == 0, send.Output);
        Assert.Contains("sent 50 frame(s)", send.Stderr);
        await actornet.TerminateAsync();
        Assert.True(await actornet.WaitForExitAsync(Bound) == 0, actornet.Output);
        var seqs = JsonlRecords.Read(directory.File("frames.jsonl")).Select(r => r.GetProperty("payload").GetProperty("seq").GetInt32());
        Assert.Equal(Enumerable.Range(1, 50), seqs.Order());
        Assert.Equal(0, JsonlRecords.Count(directory.File("quarantine.jsonl")));
    }
}
