using System.Net;
using System.Net.Sockets;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Executable;

public sealed class PortInUseSpec
{
    [Fact]
    public async Task Run_on_a_port_already_taken_exits_non_zero_naming_the_source_and_the_address()
    {
        using var directory = new TempDirectory();
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        var port = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        var source = TestConfig.UniqueSourceName("busy");
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, TestConfig.OneSource(source, port, directory, "parser = text"));

        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);

        // WaitForExitAsync kills the process and fails if it hangs instead of exiting.
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode != 0, $"exit code {exitCode}{Environment.NewLine}{process.Output}");
        Assert.Contains($"actornet.sources.{source}", process.Output);
        Assert.Contains($"127.0.0.1:{port}", process.Output);
    }
}
