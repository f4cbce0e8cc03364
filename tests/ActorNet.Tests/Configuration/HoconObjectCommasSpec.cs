using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

/// <summary>A comma after a block written without '=', as the HOCON specification allows and Akka's parser does not.</summary>
public sealed class HoconObjectCommasSpec
{
    [Fact]
    public void The_one_line_source_from_the_issue_is_accepted()
    {
        // The text of issue 11, inside a real source block.
        var source = Assert.Single(ActorNetSettings.Parse("""
            actornet.sources.sensors {
              port = 7000
              framing { type = delimiter }, parser = text
            }
            """).Sources);

        Assert.IsType<DelimiterFramingSettings>(source.Framing);
        Assert.Equal("text", source.Parser);
    }

    [Fact]
    public void Blocks_separated_by_commas_on_one_line_keep_every_key()
    {
        var source = Assert.Single(ActorNetSettings.Parse(
            "actornet.sources.sensors { port = 7000, framing { type = fixed, frame-length = 16 }, restart { max-restarts = 3 }, ack.final-wait = 1s, parser = binary }").Sources);

        Assert.Equal(16, Assert.IsType<FixedFramingSettings>(source.Framing).FrameLength);
        Assert.Equal(3, source.Restart.MaxRestarts);
        Assert.Equal(TimeSpan.FromSeconds(1), source.AckFinalWait);
        Assert.Equal("binary", source.Parser);
    }

    [Fact]
    public void A_comma_after_a_top_level_block_is_accepted()
    {
        var settings = ActorNetSettings.Parse("actornet.sources.sensors { port = 7000 }, actornet.http { enabled = on }, actornet.fd-reserve = 300");

        Assert.True(settings.Http.Enabled);
        Assert.Equal(300, settings.FdReserve);
    }

    [Fact]
    public void Commas_between_blocks_in_a_list_stay_element_separators()
    {
        var text = "a = [ { b = 1 }, { c = 2 } ], d { e = 3 }, f = 4";

        Assert.Equal("a = [ { b = 1 }, { c = 2 } ], d { e = 3 }\r f = 4", HoconObjectCommas.Separate(text));
        var config = ActorNetSettings.ParseOverlay(text);
        Assert.Equal(2, config.GetValue("a").GetArray().Count);
        Assert.Equal(4, config.GetInt("f"));
    }

    [Theory]
    [InlineData("a = \"x }, y\"")]
    [InlineData("a = \"\"\"x }, y\"\"\"")]
    [InlineData("# a { }, b\nc = 1")]
    [InlineData("a = 1 // }, b")]
    [InlineData("a = 1, b = 2")]
    public void Commas_in_strings_comments_and_after_single_values_are_left_alone(string text)
    {
        Assert.Equal(text, HoconObjectCommas.Separate(text));
    }

    [Fact]
    public void Two_commas_after_a_block_are_still_a_syntax_error()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse("actornet.sources.sensors { port = 7000 },, actornet.fd-reserve = 300"));

        Assert.StartsWith("HOCON syntax error:", Assert.Single(ex.Errors));
    }
}
