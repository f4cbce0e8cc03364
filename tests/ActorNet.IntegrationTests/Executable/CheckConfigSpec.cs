using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Executable;

/// <summary><c>actornet check-config FILE</c> run as an operator runs it.</summary>
public sealed class CheckConfigSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_valid_file_prints_the_effective_configuration_and_exits_0()
    {
        using var directory = new TempDirectory();
        var config = WriteConfig(directory, "sensors", "port = 17001, parser = json, max-connections = 77");

        using var process = ActorNetProcess.Start(directory.Path, "check-config", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 0, process.Output);
        // The user's values, and the defaults they fall back on, are both shown.
        Assert.Contains("sensors", process.Stdout);
        Assert.Contains("17001", process.Stdout);
        Assert.Contains("77", process.Stdout);
        Assert.Contains("idle-timeout", process.Stdout);
        Assert.Contains("# valid: 1 source(s)", process.Stdout);
        Assert.Equal("", process.Stderr);
    }

    [Fact]
    public async Task The_printed_configuration_is_itself_a_valid_file_that_prints_the_same()
    {
        using var directory = new TempDirectory();
        var config = WriteConfig(directory, "sensors", "port = 17001, framing { delimiter = \"\\r\\n\" }");
        using var first = ActorNetProcess.Start(directory.Path, "check-config", config);
        Assert.True(await first.WaitForExitAsync(Bound) == 0, first.Output);

        // An operator copies the printed configuration into a file of their own: it must mean the same.
        var printed = Path.Combine(directory.Path, "printed.conf");
        await File.WriteAllTextAsync(printed, first.Stdout);
        using var second = ActorNetProcess.Start(directory.Path, "check-config", printed);

        Assert.True(await second.WaitForExitAsync(Bound) == 0, second.Output);
        Assert.Equal(first.Stdout, second.Stdout);
    }

    [Fact]
    public async Task A_file_with_port_0_and_an_unknown_key_exits_1_naming_both_keys()
    {
        using var directory = new TempDirectory();
        var config = WriteConfig(directory, "sensors", "port = 0, max-conections = 5");

        using var process = ActorNetProcess.Start(directory.Path, "check-config", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 1, process.Output);
        Assert.Contains("actornet.sources.sensors.port", process.Stderr);
        Assert.Contains("actornet.sources.sensors.max-conections", process.Stderr);
    }

    [Fact]
    public async Task An_include_of_a_file_that_defines_a_source_prints_that_source_and_exits_0()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(directory.File("conf.d"));
        await File.WriteAllTextAsync(directory.File("conf.d/sensors.conf"), "sources.sensors { port = 17002, max-connections = 78 }");
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, """
            actornet {
              include "conf.d/sensors.conf"
            }
            """);

        using var process = ActorNetProcess.Start(directory.Path, "check-config", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 0, process.Output);
        Assert.Contains("sensors", process.Stdout);
        Assert.Contains("17002", process.Stdout);
        Assert.Contains("78", process.Stdout);
        Assert.Contains("# valid: 1 source(s)", process.Stdout);
        Assert.Equal("", process.Stderr);
    }

    [Fact]
    public async Task An_include_url_exits_1_with_an_error_naming_the_file_and_the_directive()
    {
        using var directory = new TempDirectory();
        var config = directory.File("actornet.conf");
        // Before a source, as in the report: Akka's parser read the directive as a key that swallowed the source.
        await File.WriteAllTextAsync(config, """
            include url("https://config.example/actornet.conf")
            actornet.sources.sensors { port = 17003 }
            """);

        using var process = ActorNetProcess.Start(directory.Path, "check-config", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 1, process.Output);
        Assert.Contains($"{Path.GetFullPath(config)}, line 1: include url(\"https://config.example/actornet.conf\"): url(...) is refused", process.Stderr);
        Assert.Equal("", process.Stdout);
    }

    [Fact]
    public async Task A_file_without_a_source_exits_1_naming_actornet_sources()
    {
        using var directory = new TempDirectory();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, "actornet.http.enabled = on\n");

        using var process = ActorNetProcess.Start(directory.Path, "check-config", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 1, process.Output);
        Assert.Contains("actornet.sources: no source is defined; expected at least one", process.Stderr);
    }

    private static string WriteConfig(TempDirectory directory, string source, string sourceSettings)
    {
        var path = directory.File("actornet.conf");
        File.WriteAllText(path, $$"""
            actornet {
              sources.{{source}} { {{sourceSettings}} }
              sinks {
                file { type = jsonl, path = "data/frames.jsonl" }
                rejects { type = jsonl, path = "data/quarantine.jsonl" }
              }
            }
            """);
        return path;
    }
}
