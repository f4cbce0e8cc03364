using ActorNet.Configuration;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class HoconUnitsSpec
{
    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(10L, "10ms")]
    [InlineData(1_500L, "1500ms")]
    [InlineData(90_000L, "90s")]
    [InlineData(300_000L, "5m")]
    [InlineData(3_600_000L, "1h")]
    [InlineData(86_400_000L * 365, "365d")]
    public void Writes_a_duration_in_the_largest_unit_that_holds_it_whole(long milliseconds, string expected)
    {
        Assert.Equal(expected, HoconUnits.Duration(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData(0L, "0 bytes")]
    [InlineData(1L, "1 byte")]
    [InlineData(512L, "512 bytes")]
    [InlineData(1000L, "1000 bytes")]
    [InlineData(65_536L, "64 KiB")]
    [InlineData(4L << 20, "4 MiB")]
    [InlineData(1L << 30, "1 GiB")]
    [InlineData(1L << 40, "1 TiB")]
    [InlineData(1L << 50, "1 PiB")]
    public void Writes_a_size_in_the_largest_binary_unit_that_holds_it_whole(long bytes, string expected)
    {
        Assert.Equal(expected, HoconUnits.Size(bytes));
    }

    [Property]
    public Property A_written_duration_reads_back_as_the_same_duration() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).Select(ms => TimeSpan.FromMilliseconds(ms)).ToArbitrary(), duration =>
            DurationParser.TryParse(HoconUnits.Duration(duration), out var read) && read == duration);

    [Property]
    public Property A_written_size_reads_back_as_the_same_size() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).SelectMany(n => Gen.Elements(0, 10, 20, 30).Select(shift => (long)n << shift)).ToArbitrary(), bytes =>
            SizeParser.TryParse(HoconUnits.Size(bytes), out var read) && read == bytes);

    [Fact]
    public void A_bad_duration_names_its_bounds_in_units()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() =>
            ActorNetSettings.Parse("actornet.sources.sensors { port = 7000, idle-timeout = 1ms }"));

        Assert.Equal(
            "actornet.sources.sensors.idle-timeout: \"1ms\" is not valid; expected a duration from 10ms to 365d, such as 250ms, 10s or 5m, or off",
            Assert.Single(ex.Errors));
    }

    [Fact]
    public void A_bad_size_names_its_bounds_in_units()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() =>
            ActorNetSettings.Parse("actornet.sources.sensors { port = 7000, read-buffer-size = 100 }"));

        Assert.Equal(
            "actornet.sources.sensors.read-buffer-size: \"100\" is not valid; expected a size from 512 bytes to 16 MiB, such as 512, 64 KiB or 4 MiB",
            Assert.Single(ex.Errors));
    }

    [Fact]
    public void A_bound_taken_from_another_key_is_written_in_units()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(
            "actornet.sources.sensors { port = 7000, reconnect { min-backoff = 2s, max-backoff = 1500ms }, read-buffer-size = 64 KiB, max-inflight-bytes = 32 KiB }"));

        Assert.Contains("actornet.sources.sensors.reconnect.max-backoff: \"1500ms\" is not valid; expected at least min-backoff (2s)", ex.Errors);
        Assert.Contains(ex.Errors, e => e.StartsWith("actornet.sources.sensors.max-inflight-bytes: \"32 KiB\" is not valid; expected at least read-buffer-size (64 KiB)", StringComparison.Ordinal));
    }

    [Fact]
    public void No_message_shows_a_duration_or_size_the_way_dotnet_prints_them()
    {
        // Every key of reference.conf given a value of the wrong kind: each message that shows a bound must show it in units.
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse("""
            actornet {
              shutdown-timeout = x, max-buffered-bytes = x
              sources.sensors { port = 7000, idle-timeout = x, connect-timeout = x, max-inflight-bytes = x, read-buffer-size = x,
                min-read-buffer-size = x, quarantine-raw-limit = x, framing.max-frame-length = x, ack.final-wait = x,
                reconnect { min-backoff = x, max-backoff = x, reset-after = x }, heartbeat.interval = x, restart { within = x, backoff = x } }
              sinks.file { buffer-size = x, flush-interval = x, max-spool-size = x, probe-interval = x }
            }
            """));

        Assert.All(ex.Errors, e => Assert.DoesNotMatch(@"\d\d:\d\d:\d\d|\d+\.\d\d:\d\d", e));
        Assert.All(ex.Errors, e => Assert.DoesNotMatch(@"\d{7,} bytes", e.Replace("2147483647 bytes", "", StringComparison.Ordinal)));
    }
}
