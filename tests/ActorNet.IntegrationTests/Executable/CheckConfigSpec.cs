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
        // The same values; only the marks differ, since the printed file sets every value itself.
        Assert.Contains(" # default", first.Stdout);
        Assert.DoesNotContain(" # default", second.Stdout);
        Assert.Equal(WithoutComments(first.Stdout), WithoutComments(second.Stdout));
    }

    [Fact]
    public async Task Values_the_file_does_not_set_are_marked_as_defaults_and_unused_default_sinks_are_not_shown()
    {
        using var directory = new TempDirectory();
        var config = directory.File("actornet.conf");
        // The file defines one sink; its source quarantines into reference.conf's rejects, and never uses file or store.
        await File.WriteAllTextAsync(config, """
            actornet {
              sources.sensors { port = 17004, sinks = [ db ], max-connections = 77 }
              sinks.db { type = sqlite, path = "data/mine.db" }
            }
            """);

        using var process = ActorNetProcess.Start(directory.Path, "check-config", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 0, process.Output);
        var lines = process.Stdout.Split('\n').Select(l => l.Trim()).ToArray();
        Assert.Contains("max-connections = \"77\"", lines);
        Assert.Contains("max-connections = \"10000\" # default", lines);
        Assert.Contains("path = \"data/mine.db\"", lines);
        Assert.Contains("rejects = { # default", lines);
        Assert.Contains("http = { # default", lines);
        // The default sinks no source uses (store, file) are not printed; `file = {` alone would also match actornet.log.file.
        Assert.DoesNotContain(lines, l => l.StartsWith("store", StringComparison.Ordinal));
        Assert.DoesNotContain("data/actornet.db", process.Stdout);
        Assert.DoesNotContain("data/frames.jsonl", process.Stdout);
        Assert.Contains("# valid: 1 source(s), 2 sink(s)", process.Stdout);
    }

    [Fact]
    public async Task Variables_come_from_the_environment_and_an_optional_one_that_is_absent_leaves_the_default()
    {
        using var directory = new TempDirectory();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, """
            actornet {
              sources.sensors { port = ${ACTORNET_TEST_PORT}, idle-timeout = ${?ACTORNET_TEST_IDLE}, max-connections = ${?ACTORNET_TEST_MAX} }
              sinks.file { type = jsonl, path = ${ACTORNET_TEST_DIR}"/frames.jsonl" }
            }
            """);
        var environment = new Dictionary<string, string?>
        {
            ["ACTORNET_TEST_PORT"] = "17005",
            ["ACTORNET_TEST_IDLE"] = null,
            ["ACTORNET_TEST_MAX"] = "55",
            ["ACTORNET_TEST_DIR"] = "/var/lib/actor net #1 {x}",
        };

        using var process = ActorNetProcess.Start(directory.Path, environment, "check-config", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 0, process.Output);
        var lines = process.Stdout.Split('\n').Select(l => l.Trim()).ToArray();
        Assert.Contains("port = \"17005\"", lines);
        Assert.Contains("max-connections = \"55\"", lines);
        Assert.Contains("path = \"/var/lib/actor net #1 {x}/frames.jsonl\"", lines);
        // Not set by the file: the optional variable was absent, so idle-timeout is the default's alone.
        Assert.Contains("idle-timeout = \"5m\" # default", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("idle-timeout", StringComparison.Ordinal) && !l.EndsWith("# default", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_required_variable_that_is_not_set_exits_1_naming_it_the_file_and_the_line()
    {
        using var directory = new TempDirectory();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, """
            actornet.sources.sensors {
              port = ${ACTORNET_TEST_UNSET_PORT}
            }
            """);

        using var process = ActorNetProcess.Start(
            directory.Path, new Dictionary<string, string?> { ["ACTORNET_TEST_UNSET_PORT"] = null }, "check-config", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 1, process.Output);
        Assert.Contains($"{Path.GetFullPath(config)}, line 2: port = ${{ACTORNET_TEST_UNSET_PORT}}: environment variable ACTORNET_TEST_UNSET_PORT is not set",
            process.Stderr);
        Assert.DoesNotContain("Unresolved substitution", process.Stderr);
    }

    [Fact]
    public async Task A_typo_at_the_top_level_exits_1_naming_the_key()
    {
        using var directory = new TempDirectory();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, "actornet.sources.sensors { port = 17006 }\nactornt.http.enabled = on\n");

        using var process = ActorNetProcess.Start(directory.Path, "check-config", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 1, process.Output);
        Assert.Contains("actornt: unknown key at the top level; expected one of actornet, akka (did you mean actornet?)", process.Stderr);
    }

    [Fact]
    public async Task An_akka_block_the_host_would_ignore_exits_1_saying_so()
    {
        using var directory = new TempDirectory();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, "actornet.sources.sensors { port = 17008 }\nakka.loglevel = DEBUG\n");

        using var process = ActorNetProcess.Start(directory.Path, "check-config", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 1, process.Output);
        Assert.Contains("akka: the actornet host does not read Akka.NET settings from its configuration file", process.Stderr);
    }

    [Fact]
    public async Task A_block_and_a_comma_on_one_line_as_written_in_the_issue_is_accepted()
    {
        using var directory = new TempDirectory();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, """
            actornet.sources.sensors {
              port = 17007, framing { type = delimiter }, parser = text
            }
            """);

        using var process = ActorNetProcess.Start(directory.Path, "check-config", config);

        Assert.True(await process.WaitForExitAsync(Bound) == 0, process.Output);
        Assert.Contains("# valid: 1 source(s)", process.Stdout);
    }

    private static string WithoutComments(string printed) =>
        string.Join('\n', printed.Split('\n').Select(l => l.Contains(" #", StringComparison.Ordinal) ? l[..l.IndexOf(" #", StringComparison.Ordinal)] : l)
            .Where(l => !l.StartsWith('#')));

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
