using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

/// <summary>
/// <c>${VAR}</c> and <c>${?VAR}</c> from the process environment, and substitutions of keys, resolved before
/// validation. Each test sets variables of its own (a unique name), so that tests running in parallel never share one.
/// </summary>
public sealed class HoconSubstitutionsSpec : IDisposable
{
    private readonly List<string> _variables = [];

    public void Dispose()
    {
        foreach (var name in _variables) Environment.SetEnvironmentVariable(name, null);
    }

    [Fact]
    public void A_variable_that_is_set_gives_its_value()
    {
        var port = Variable("7123");

        var source = Assert.Single(ActorNetSettings.Parse($"actornet.sources.sensors {{ port = ${{{port}}} }}").Sources);

        Assert.Equal(7123, source.Port);
    }

    [Fact]
    public void A_variable_that_is_not_set_is_an_error_naming_it_the_line_and_the_field()
    {
        var port = Variable(null);

        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse($$"""
            actornet.sources.sensors {
              port = ${{{port}}}
            }
            """));

        Assert.Equal(
            $"line 2: port = ${{{port}}}: environment variable {port} is not set; expected it set in ActorNet's environment, " +
            $"or ${{?{port}}} for a value that may be left out (the default then applies)",
            Assert.Single(ex.Errors));
    }

    [Fact]
    public void Every_variable_that_is_not_set_is_reported_in_one_pass()
    {
        var (a, b) = (Variable(null), Variable(null));

        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(
            $"actornet.sources.sensors {{ port = ${{{a}}}, host = ${{{b}}} }}"));

        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.Contains($"environment variable {a} is not set", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains($"environment variable {b} is not set", StringComparison.Ordinal));
    }

    [Fact]
    public void An_optional_variable_that_is_not_set_leaves_the_default()
    {
        var idle = Variable(null);

        var source = Assert.Single(ActorNetSettings.Parse($"actornet.sources.sensors {{ port = 7000, idle-timeout = ${{?{idle}}} }}").Sources);

        Assert.Equal(TimeSpan.FromMinutes(5), source.IdleTimeout);
    }

    [Fact]
    public void An_optional_variable_that_is_not_set_after_a_block_and_a_comma_leaves_only_its_own_field_out()
    {
        var idle = Variable(null);

        var source = Assert.Single(ActorNetSettings.Parse(
            $"actornet.sources.sensors {{ port = 7000, framing {{ type = delimiter, delimiter = \";\" }}, idle-timeout = ${{?{idle}}} }}").Sources);

        Assert.Equal(";"u8.ToArray(), Assert.IsType<DelimiterFramingSettings>(source.Framing).Delimiter);
        Assert.Equal(TimeSpan.FromMinutes(5), source.IdleTimeout);
    }

    [Fact]
    public void An_optional_variable_that_is_not_set_leaves_an_earlier_value_of_the_field()
    {
        var port = Variable(null);

        var source = Assert.Single(ActorNetSettings.Parse($$"""
            actornet.sources.sensors.port = 7001
            actornet.sources.sensors.port = ${?{{port}}}
            """).Sources);

        Assert.Equal(7001, source.Port);
    }

    [Fact]
    public void An_optional_variable_that_is_set_gives_its_value()
    {
        var idle = Variable("90s");

        var source = Assert.Single(ActorNetSettings.Parse($"actornet.sources.sensors {{ port = 7000, idle-timeout = ${{?{idle}}} }}").Sources);

        Assert.Equal(TimeSpan.FromSeconds(90), source.IdleTimeout);
    }

    [Fact]
    public void An_optional_variable_alone_in_a_list_that_is_not_set_is_left_out_of_the_list()
    {
        var extra = Variable(null);

        var source = Assert.Single(ActorNetSettings.Parse($"actornet.sources.sensors {{ port = 7000, sinks = [ ${{?{extra}}}, file ] }}").Sources);

        Assert.Equal(["file"], source.Sinks);
    }

    [Fact]
    public void An_optional_variable_in_a_concatenation_that_is_not_set_is_empty()
    {
        var prefix = Variable(null);

        var settings = ActorNetSettings.Parse($$"""
            actornet.sources.sensors.port = 7000
            actornet.sinks.file.path = ${?{{prefix}}}"frames.jsonl"
            """);

        Assert.Equal("frames.jsonl", settings.Sinks["file"].Path);
    }

    [Theory]
    [InlineData("a value with spaces")]
    [InlineData("hash # and // are no comments")]
    [InlineData("braces } { and [ ] close nothing")]
    [InlineData("quotes \" and \"\"\" and a backslash \\ and \\n")]
    [InlineData("a line\nbreak, a tab\t and a DEL \u007f too")]
    [InlineData("\" \n injected = 1 \n x = \"")]
    [InlineData("${NOT_A_SUBSTITUTION} and ${?EITHER}")]
    public void A_value_with_special_characters_is_taken_as_it_is(string value)
    {
        var token = Variable(value);

        var settings = ActorNetSettings.Parse($$"""
            actornet.sources.sensors.port = 7000
            actornet.http { admin-token = ${{{token}}} }
            """);

        Assert.Equal(value, settings.Http.AdminToken);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/var/lib/actornet/")]
    public void A_variable_set_to_any_text_beside_a_quoted_string_concatenates_with_it(string value)
    {
        var directory = Variable(value);

        var settings = ActorNetSettings.Parse($$"""
            actornet.sources.sensors.port = 7000
            actornet.sinks.file.path = "./"${{{directory}}}"frames.jsonl"
            """);

        Assert.Equal($"./{value}frames.jsonl", settings.Sinks["file"].Path);
    }

    [Fact]
    public void A_variable_in_a_concatenation_keeps_the_text_around_it()
    {
        var directory = Variable("/var/lib/actor net");

        var settings = ActorNetSettings.Parse($$"""
            actornet.sources.sensors.port = 7000
            actornet.sinks.file.path = ${{{directory}}}"/frames.jsonl"
            """);

        Assert.Equal("/var/lib/actor net/frames.jsonl", settings.Sinks["file"].Path);
    }

    [Fact]
    public void A_key_the_file_defines_wins_over_an_environment_variable_of_the_same_name_and_is_not_an_unknown_key()
    {
        var name = Variable("7002");

        var source = Assert.Single(ActorNetSettings.Parse($$"""
            {{name}} = 7001
            actornet.sources.sensors.port = ${{{name}}}
            """).Sources);

        Assert.Equal(7001, source.Port);
    }

    [Fact]
    public void A_key_defined_after_a_concatenation_of_quoted_strings_is_still_found_in_the_file()
    {
        var directory = Variable("data/");

        var settings = ActorNetSettings.Parse($$"""
            actornet.sinks.file.path = "./"${{{directory}}}"frames.jsonl"
            ports { sensors = 7101 }
            actornet.sources.sensors.port = ${ports.sensors}
            """);

        Assert.Equal(7101, Assert.Single(settings.Sources).Port);
        Assert.Equal("./data/frames.jsonl", settings.Sinks["file"].Path);
    }

    [Fact]
    public void A_key_only_reference_conf_defines_can_be_substituted()
    {
        var source = Assert.Single(ActorNetSettings.Parse("""
            actornet.sources.sensors { port = 7000, max-inflight-frames = ${actornet.source-defaults.max-connections} }
            """).Sources);

        Assert.Equal(10000, source.MaxInflightFrames);
    }

    [Fact]
    public void A_path_defined_nowhere_that_cannot_be_a_variable_name_is_an_error_naming_it()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(
            "actornet.sources.sensors { port = ${actornet.no.such.key} }"));

        Assert.StartsWith("line 1: port = ${actornet.no.such.key}: actornet.no.such.key is not defined in the configuration nor in reference.conf",
            Assert.Single(ex.Errors));
    }

    [Fact]
    public void A_substitution_inside_a_string_or_a_comment_is_text()
    {
        var settings = ActorNetSettings.Parse("""
            # port = ${UNSET_IN_A_COMMENT}
            actornet.sources.sensors.port = 7000 // ${ALSO_UNSET}
            actornet.http.admin-token = "${UNSET_IN_A_STRING}"
            """);

        Assert.Equal("${UNSET_IN_A_STRING}", settings.Http.AdminToken);
    }

    [Fact]
    public void A_variable_in_an_included_file_that_is_not_set_names_that_file_and_its_line()
    {
        var port = Variable(null);
        var directory = Directory.CreateTempSubdirectory("actornet-substitutions-");
        try
        {
            var included = Path.Combine(directory.FullName, "sensors.conf");
            File.WriteAllText(included, $"# the sensors\nsensors {{\n  port = ${{{port}}}\n}}\n");
            var main = Path.Combine(directory.FullName, "actornet.conf");
            File.WriteAllText(main, "actornet {\n  sources {\n    include \"sensors.conf\"\n  }\n}\n");

            var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.ParseOverlayFile(main));

            Assert.StartsWith($"{included}, line 3: port = ${{{port}}}: environment variable {port} is not set", Assert.Single(ex.Errors));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_variable_in_an_included_file_that_is_set_gives_its_value()
    {
        var port = Variable("7301");
        var directory = Directory.CreateTempSubdirectory("actornet-substitutions-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "sensors.conf"), $"sensors {{ port = ${{{port}}} }}\n");
            var main = Path.Combine(directory.FullName, "actornet.conf");
            File.WriteAllText(main, "actornet.sources { include \"sensors.conf\" }\n");

            var source = Assert.Single(ActorNetSettings.Create(ActorNetSettings.ParseOverlayFile(main)).Sources);

            Assert.Equal(7301, source.Port);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Quoting_escapes_every_character_that_could_end_a_string()
    {
        Assert.Equal("\"a\\\"b\\\\c\\u000ad\\u0000\"", HoconSubstitutions.Quote("a\"b\\c\nd\0"));
    }

    /// <summary>A variable name no other test uses, set to <paramref name="value"/> (null: not set) for this test.</summary>
    private string Variable(string? value)
    {
        var name = "ACTORNET_TEST_" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        _variables.Add(name);
        Environment.SetEnvironmentVariable(name, value);
        return name;
    }
}
