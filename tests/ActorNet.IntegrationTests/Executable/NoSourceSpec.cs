using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Executable;

public sealed class NoSourceSpec
{
    // Before this was refused, such a run served nothing and a SIGTERM waited the whole shutdown-timeout.
    [Fact]
    public async Task Run_with_a_configuration_without_a_source_exits_1_at_start_up_naming_actornet_sources()
    {
        using var directory = new TempDirectory();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, "actornet.http { enabled = on, port = 0 }\n");

        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);

        // WaitForExitAsync kills the process and fails if it keeps running instead of exiting.
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 1, process.Output);
        Assert.Contains("actornet.sources: no source is defined; expected at least one", process.Stderr);
    }
}
