using System.Net;
using System.Net.Sockets;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Executable;

/// <summary>
/// <c>actornet check-config --probe FILE</c>: binds every listener and opens every sink in use, then exits 0 (all
/// passed), 1 (invalid configuration) or 2 (valid, but a probe failed), naming what failed.
/// </summary>
public sealed class CheckConfigProbeSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_probe_that_can_listen_and_open_every_sink_exits_0_and_leaves_no_file_behind()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, $$"""
            actornet {
              sources.sensors { port = {{port}}, sinks = [ db ], quarantine = rejects }
              sinks {
                db { type = sqlite, path = "{{directory.File("db/actornet.db")}}" }
                rejects { type = jsonl, path = "{{directory.File("out/quarantine.jsonl")}}" }
              }
            }
            """);

        using var process = ActorNetProcess.Start(directory.Path, "check-config", "--probe", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 0, process.Output);
        Assert.Contains($"# probe passed: actornet.sources.sensors: listen on 127.0.0.1:{port}: ok", process.Stdout);
        Assert.Contains("# probe passed: actornet.sinks.db: open the sqlite sink", process.Stdout);
        Assert.Contains("# probe passed: actornet.sinks.rejects: open the jsonl sink", process.Stdout);
        Assert.Equal("", process.Stderr);
        // Opened for real (SQLite created the database and its table), then removed: only the configuration is left.
        Assert.Equal([config], Directory.EnumerateFileSystemEntries(directory.Path));
    }

    [Fact]
    public async Task A_port_already_taken_exits_2_naming_the_source_and_the_port()
    {
        using var directory = new TempDirectory();
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        var port = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, TestConfig.OneSource("busy", port, directory, "parser = text"));

        using var process = ActorNetProcess.Start(directory.Path, "check-config", "--probe", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 2, process.Output);
        Assert.Contains($"probe failed: actornet.sources.busy: listen on 127.0.0.1:{port}: cannot listen on 127.0.0.1:{port}", process.Stderr);
        // The configuration itself is valid: it is printed, and the sinks were probed too.
        Assert.Contains("# valid: 1 source(s)", process.Stdout);
        Assert.Contains("# probe passed: actornet.sinks.file", process.Stdout);
    }

    [Fact]
    public async Task An_http_port_already_taken_exits_2_naming_actornet_http()
    {
        using var directory = new TempDirectory();
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        var port = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, TestConfig.OneSource("sensors", Loopback.FreePort(), directory, "parser = text",
            actornetSettings: $"http {{ enabled = on, port = {port} }}"));

        using var process = ActorNetProcess.Start(directory.Path, "check-config", "--probe", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 2, process.Output);
        Assert.Contains($"probe failed: actornet.http: listen on 127.0.0.1:{port}: cannot listen on 127.0.0.1:{port}", process.Stderr);
        Assert.Contains("# probe passed: actornet.sources.sensors", process.Stdout);
    }

    [Fact]
    public async Task An_unreachable_postgresql_exits_2_naming_the_sink()
    {
        using var directory = new TempDirectory();
        var config = directory.File("actornet.conf");
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        await File.WriteAllTextAsync(config, $$"""
            actornet {
              sources.sensors { port = {{Loopback.FreePort()}}, sinks = [ pg ], quarantine = pg }
              sinks.pg { type = postgres, connection-string = "Host=127.0.0.1;Port=1;Username=actornet;Database=actornet;Timeout=5" }
            }
            """);

        using var process = ActorNetProcess.Start(directory.Path, "check-config", "--probe", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 2, process.Output);
        Assert.Contains("probe failed: actornet.sinks.pg: open the postgres sink: ", process.Stderr);
        Assert.Contains("127.0.0.1:1", process.Stderr);
        Assert.Contains("# probe passed: actornet.sources.sensors", process.Stdout);
    }

    [Fact]
    public async Task An_invalid_file_exits_1_and_probes_nothing()
    {
        using var directory = new TempDirectory();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, "actornet.sources.sensors { port = 0 }\n");

        using var process = ActorNetProcess.Start(directory.Path, "check-config", "--probe", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 1, process.Output);
        Assert.Contains("actornet.sources.sensors.port", process.Stderr);
        Assert.DoesNotContain("probe", process.Output.Replace("--probe", ""));
    }
}
