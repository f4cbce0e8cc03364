using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

/// <summary>frame-timeout, min-data-rate, framing.sync-marker and framing.on-bad-length.</summary>
public sealed class SlowPeersAndSyncMarkerKeysSpec
{
    private const string Marked = "type = length-field, length-field-offset = 2, length-field-length = 2";

    [Fact]
    public void Slow_peer_limits_are_off_by_default()
    {
        var source = ParseSource("");

        Assert.Equal(SlowPeerSettings.Off with { GracePeriod = TimeSpan.FromSeconds(5) }, source.SlowPeers);
        Assert.False(source.SlowPeers.Enabled);
    }

    [Fact]
    public void Reads_frame_timeout_and_min_data_rate()
    {
        var source = ParseSource("frame-timeout = 30s, min-data-rate { bytes-per-second = 240, grace-period = 10s }");

        Assert.Equal(new SlowPeerSettings(TimeSpan.FromSeconds(30), 240, TimeSpan.FromSeconds(10)), source.SlowPeers);
    }

    [Theory]
    [InlineData("frame-timeout = soon", "frame-timeout", "soon", "a duration from 10ms to 1d")]
    [InlineData("frame-timeout = 1ms", "frame-timeout", "1ms", "a duration from 10ms to 1d")]
    [InlineData("min-data-rate.bytes-per-second = 0", "min-data-rate.bytes-per-second", "0", "an integer from 1 to 1073741824, or off")]
    [InlineData("min-data-rate.grace-period = -1s", "min-data-rate.grace-period", "-1s", "a duration from 0")]
    public void A_bad_slow_peer_value_is_rejected_naming_the_key(string line, string key, string value, string expected)
    {
        AssertSingleError(Source(line), "actornet.sources.sensors." + key, value, expected);
    }

    [Fact]
    public void Reads_a_sync_marker_in_hex_and_the_resync_action()
    {
        var framing = Assert.IsType<LengthFieldFramingSettings>(
            ParseSource($"framing {{ {Marked}, sync-marker = \"aa 55\", on-bad-length = resync }}").Framing);

        Assert.Equal("AA55", framing.SyncMarker);
        Assert.Equal(BadLengthAction.Resync, framing.OnBadLength);
        Assert.True(framing.CanResynchronise);
        Assert.IsType<ActorNet.Framing.SyncMarkerFrameDecoder>(framing.CreateDecoder());
    }

    [Fact]
    public void Without_a_marker_length_field_framing_closes_on_a_bad_length_and_cannot_resynchronise()
    {
        var framing = Assert.IsType<LengthFieldFramingSettings>(ParseSource("framing.type = length-field").Framing);

        Assert.Null(framing.SyncMarker);
        Assert.Equal(BadLengthAction.Close, framing.OnBadLength);
        Assert.False(framing.CanResynchronise);
        Assert.IsType<ActorNet.Framing.LengthFieldFrameDecoder>(framing.CreateDecoder());
    }

    [Theory]
    [InlineData("AA5")]
    [InlineData("ZZ")]
    [InlineData("0x")]
    [InlineData("000102030405060708090A0B0C0D0E0F10")]
    public void A_sync_marker_that_is_not_1_to_16_hex_bytes_is_rejected(string marker)
    {
        AssertSingleError(Source($"framing {{ {Marked}, sync-marker = \"{marker}\" }}"),
            "actornet.sources.sensors.framing.sync-marker", marker, "hex bytes such as \"AA55\"");
    }

    [Fact]
    public void Resync_without_a_sync_marker_is_rejected()
    {
        AssertSingleError(Source("framing { type = length-field, on-bad-length = resync }"),
            "actornet.sources.sensors.framing.on-bad-length", "resync", "close unless sync-marker is set");
    }

    [Fact]
    public void A_marker_longer_than_the_bytes_before_the_length_field_is_rejected()
    {
        AssertSingleError(Source("framing { type = length-field, length-field-offset = 1, sync-marker = AA55 }"),
            "actornet.sources.sensors.framing.length-field-offset", "1", "at least the 2 bytes of sync-marker");
    }

    [Fact]
    public void An_unknown_bad_length_action_is_rejected()
    {
        AssertSingleError(Source($"framing {{ {Marked}, sync-marker = AA55, on-bad-length = skip }}"),
            "actornet.sources.sensors.framing.on-bad-length", "skip", "one of close, resync");
    }

    [Theory]
    [InlineData("sync-marker = AA55", "sync-marker", "AA55")]
    [InlineData("on-bad-length = resync", "on-bad-length", "resync")]
    public void Sync_keys_are_refused_with_delimiter_framing(string line, string key, string value)
    {
        AssertSingleError(Source($"framing {{ type = delimiter, {line} }}"),
            "actornet.sources.sensors.framing." + key, value, "with delimiter framing");
    }

    private static SourceSettings ParseSource(string lines) => Assert.Single(ActorNetSettings.Parse(Source(lines)).Sources);

    private static string Source(string lines) => $$"""
        actornet.sources.sensors {
          port = 7000
          {{lines}}
        }
        """;

    private static void AssertSingleError(string hocon, string key, string value, string expected)
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(hocon));
        Assert.True(ex.Errors.Count == 1, "expected one error, got:" + Environment.NewLine + string.Join(Environment.NewLine, ex.Errors));
        var error = ex.Errors[0];
        Assert.StartsWith(key + ":", error);
        Assert.Contains($"\"{value}\"", error);
        Assert.Contains("expected", error);
        Assert.Contains(expected, error);
    }
}
