using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

/// <summary><c>include</c> directives in configuration files, read from real files in a temporary directory.</summary>
public sealed class HoconIncludesSpec : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "actornet-include-" + Guid.NewGuid().ToString("N"));

    public HoconIncludesSpec() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("include \"sensors.conf\"")]
    [InlineData("include file(\"sensors.conf\")")]
    [InlineData("include required(file(\"sensors.conf\"))")]
    [InlineData("include required(\"sensors.conf\")")]
    [InlineData("include   file( \"sensors.conf\" )   # the sensors")]
    public void Each_include_form_adds_the_sources_of_the_file_next_to_the_including_one(string directive)
    {
        Write("sensors.conf", "actornet.sources.sensors { port = 7000 }");
        var main = Write("main.conf", $"{directive}\nactornet.shutdown-timeout = 3s");

        var settings = Load(main);

        Assert.Equal(7000, Assert.Single(settings.Sources, s => s.Name == "sensors").Port);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.ShutdownTimeout);
    }

    [Fact]
    public void Nested_includes_are_resolved_relative_to_the_file_that_includes_them()
    {
        Write("conf.d/sources.conf", "include \"parts/sensors.conf\"\nactornet.sources.feed { port = 7001 }");
        Write("conf.d/parts/sensors.conf", "actornet.sources.sensors { port = 7000 }");
        // A file of the same name next to main.conf must not be the one read.
        Write("parts/sensors.conf", "actornet.sources.wrong { port = 7999 }");
        var main = Write("main.conf", "include file(\"conf.d/sources.conf\")");

        var settings = Load(main);

        Assert.Equal(["feed", "sensors"], settings.Sources.Select(s => s.Name).Order());
    }

    [Fact]
    public void An_absolute_path_is_read_as_it_is()
    {
        var sensors = Write("elsewhere/sensors.conf", "actornet.sources.sensors { port = 7000 }");
        var main = Write("main.conf", $"include required(file(\"{sensors.Replace('\\', '/')}\"))");

        Assert.Equal("sensors", Assert.Single(Load(main).Sources).Name);
    }

    [Fact]
    public void An_include_inside_a_block_puts_the_keys_of_the_file_under_that_block()
    {
        Write("sources.conf", "sensors { port = 7000 }\nfeed { port = 7001 }");
        var main = Write("main.conf", "actornet {\n  sources { include \"sources.conf\" }\n}");

        var settings = Load(main);

        Assert.Equal(["feed", "sensors"], settings.Sources.Select(s => s.Name).Order());
    }

    [Fact]
    public void An_included_file_wrapped_in_braces_gives_its_fields()
    {
        Write("sensors.conf", "# the sensors\n{\n  sensors { port = 7000 }\n}\n");
        var main = Write("main.conf", "actornet.sources { include \"sensors.conf\" }");

        Assert.Equal("sensors", Assert.Single(Load(main).Sources).Name);
    }

    [Fact]
    public void Keys_after_an_include_override_the_included_ones_as_within_one_file()
    {
        Write("base.conf", "actornet.sources.sensors { port = 7000, max-connections = 10 }");
        var main = Write("main.conf", "include \"base.conf\"\nactornet.sources.sensors.max-connections = 20");

        var source = Assert.Single(Load(main).Sources);
        Assert.Equal((7000, 20), (source.Port, source.MaxConnections));
    }

    [Fact]
    public void An_include_followed_by_a_comma_and_another_field_on_its_line_reads_both()
    {
        Write("sensors.conf", "sensors { port = 7000 }");
        var main = Write("main.conf", "actornet { sources { include \"sensors.conf\", feed { port = 7001 } } }");

        Assert.Equal(["feed", "sensors"], Load(main).Sources.Select(s => s.Name).Order());
    }

    [Fact]
    public void A_substitution_in_an_included_file_is_resolved_against_the_whole_configuration()
    {
        Write("sensors.conf", "actornet.sources.sensors { port = ${ports.sensors} }");
        var main = Write("main.conf", "ports.sensors = 7005\ninclude \"sensors.conf\"");

        Assert.Equal(7005, Assert.Single(Load(main).Sources).Port);
    }

    [Theory]
    [InlineData("include \"missing.conf\"")]
    [InlineData("include file(\"missing.conf\")")]
    [InlineData("include file(\"no-such-directory/missing.conf\")")]
    public void A_missing_file_in_an_include_that_is_not_required_is_ignored(string directive)
    {
        var main = Write("main.conf", $"{directive}\nactornet.sources.sensors.port = 7000");

        Assert.Equal("sensors", Assert.Single(Load(main).Sources).Name);
    }

    [Theory]
    [InlineData("include required(file(\"missing.conf\"))")]
    [InlineData("include required(\"missing.conf\")")]
    public void A_missing_file_in_a_required_include_fails_naming_the_file_the_including_file_and_the_line(string directive)
    {
        var main = Write("main.conf", $"actornet.sources.sensors.port = 7000\n{directive}");

        var error = Assert.Single(Errors(main));

        Assert.Equal($"{main}, line 2: {directive}: \"{Path.Combine(_directory, "missing.conf")}\" does not exist; " +
            "expected an existing file (required(...) makes a missing file an error)", error);
    }

    [Theory]
    [InlineData("include url(\"https://config.example/actornet.conf\")", "url(...) is refused")]
    [InlineData("include required(url(\"https://config.example/actornet.conf\"))", "url(...) is refused")]
    [InlineData("include classpath(\"actornet.conf\")", "classpath(...) names JVM resources")]
    [InlineData("include sensors.conf", "is not an include directive")]
    [InlineData("include \"\"\"sensors.conf\"\"\"", "is not an include directive")]
    [InlineData("include", "is not an include directive")]
    [InlineData("include files(\"sensors.conf\")", "files(...) is not an include form")]
    [InlineData("include file(file(\"sensors.conf\"))", "file(...) takes a quoted file name")]
    [InlineData("include required(required(\"sensors.conf\"))", "required(...) is not an include form")]
    [InlineData("include \"sensors.conf\" \"more.conf\"", "is followed by more on its line")]
    public void Any_other_include_is_refused_naming_the_including_file_the_directive_and_what_was_expected(string directive, string problem)
    {
        Write("sensors.conf", "actornet.sources.sensors { port = 7000 }");
        var main = Write("main.conf", $"actornet.sources.feed.port = 7001\n{directive}   # why\n");

        var error = Assert.Single(Errors(main));

        Assert.StartsWith($"{main}, line 2: {directive}: ", error);
        Assert.Contains(problem, error);
        Assert.Contains("expected ", error);
    }

    [Fact]
    public void Every_refused_include_is_reported_in_one_pass_across_files()
    {
        Write("sinks.conf", "include classpath(\"x.conf\")");
        var main = Write("main.conf", """
            include url("https://config.example/a.conf")
            include "sinks.conf"
            include required(file("missing.conf"))
            actornet.sources.sensors.port = 7000
            """);

        var errors = Errors(main);

        Assert.Collection(errors,
            e => Assert.Contains("line 1: include url(", e),
            e => Assert.StartsWith($"{Path.Combine(_directory, "sinks.conf")}, line 1: include classpath(", e),
            e => Assert.Contains("line 3: include required(file(\"missing.conf\"))", e));
    }

    [Fact]
    public void An_include_cycle_is_refused_naming_every_file_on_it()
    {
        var a = Write("a.conf", "include \"b.conf\"\nactornet.sources.sensors.port = 7000");
        var b = Write("b.conf", "\ninclude \"a.conf\"");

        var error = Assert.Single(Errors(a));

        Assert.Equal($"{b}, line 2: include \"a.conf\": \"{a}\" is already being included ({a} -> {b} -> {a}); " +
            "expected includes without a cycle", error);
    }

    [Fact]
    public void A_file_that_includes_itself_is_refused()
    {
        var main = Write("main.conf", "actornet { include \"./main.conf\" }");

        Assert.Contains("is already being included", Assert.Single(Errors(main)));
    }

    [Fact]
    public void The_same_file_included_twice_without_a_cycle_is_read_twice()
    {
        Write("port.conf", "port = 7000");
        var main = Write("main.conf", """
            actornet.sources.sensors { include "port.conf" }
            actornet.sources.feed { include "port.conf", host = 127.0.0.2 }
            """);

        Assert.All(Load(main).Sources, s => Assert.Equal(7000, s.Port));
    }

    [Fact]
    public void A_syntax_error_in_an_included_file_names_that_file()
    {
        var sensors = Write("sensors.conf", "actornet.sources.sensors { port = 7000");
        var main = Write("main.conf", "include \"sensors.conf\"");

        Assert.Equal($"HOCON syntax error in {sensors}: line 1, column 26: '{{' opened here is never closed; expected '}}' before the end",
            Assert.Single(Errors(main)));
    }

    [Fact]
    public void An_included_directory_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "conf.d"));
        var main = Write("main.conf", "include \"conf.d\"\nactornet.sources.sensors.port = 7000");

        Assert.Contains("is a directory; expected a HOCON file", Assert.Single(Errors(main)));
    }

    [Fact]
    public void An_include_after_a_block_on_the_same_line_is_refused_rather_than_guessed()
    {
        Write("sensors.conf", "actornet.sources.sensors { port = 7000 }");
        var main = Write("main.conf", "a { } include \"sensors.conf\"");

        var error = Assert.Single(Errors(main));

        // Named with the file and line it is on, though Akka's parser reports no position for it.
        Assert.StartsWith($"HOCON syntax error: {main}, line 1: include \"sensors.conf\" where no field starts", error);
    }

    [Fact]
    public void An_include_in_configuration_text_is_refused_since_it_has_no_file_to_be_relative_to()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.ParseOverlay("include \"sensors.conf\""));

        Assert.Equal("line 1: include \"sensors.conf\": configuration text has no file for an include to be relative to; " +
            "expected the configuration in a file (ActorNetSettings.ParseOverlayFile)", Assert.Single(ex.Errors));
    }

    [Fact]
    public void A_file_whose_only_source_comes_from_a_missing_optional_include_is_refused_for_having_no_source()
    {
        var main = Write("main.conf", "include \"sensors.conf\"");

        Assert.StartsWith("actornet.sources: no source is defined", Assert.Single(Errors(main)));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static ActorNetSettings Load(string path) => ActorNetSettings.Create(ActorNetSettings.ParseOverlayFile(path));

    private static IReadOnlyList<string> Errors(string path) =>
        Assert.Throws<InvalidConfigurationException>(() => Load(path)).Errors;
}
