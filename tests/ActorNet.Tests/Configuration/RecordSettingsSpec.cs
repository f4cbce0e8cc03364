using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class RecordSettingsSpec
{
    private static RecordSettings Parse(string record) => ActorNetSettings.Parse($$"""
        actornet.sources.sensors { port = 7000, record { {{record}} } }
        """).Sources[0].Record;

    private static string SingleError(string record) =>
        Assert.Single(Assert.Throws<InvalidConfigurationException>(() => Parse(record)).Errors);

    [Fact]
    public void Is_off_by_default_with_a_gibibyte_for_a_week_in_files_of_a_sixteenth()
    {
        var record = Parse("");

        Assert.False(record.Enabled);
        Assert.Equal("data/recordings", record.Dir);
        Assert.Equal(1L << 30, record.MaxSize);
        Assert.Equal(TimeSpan.FromDays(7), record.MaxAge);
        Assert.Equal(64L << 20, record.FileSize);
        Assert.Equal(16L << 20, record.Buffer);
    }

    [Fact]
    public void Reads_every_key()
    {
        var record = Parse("enabled = on, dir = \"/var/lib/actornet/rec\", max-size = 10 MiB, max-age = off, file-size = 1 MiB, buffer = 1 MiB");

        Assert.Equal(new RecordSettings(true, "/var/lib/actornet/rec", 10L << 20, null, 1L << 20, 1L << 20), record);
    }

    [Fact]
    public void An_automatic_file_size_follows_max_size()
    {
        Assert.Equal(1L << 20, Parse("max-size = 16 MiB").FileSize);
    }

    [Fact]
    public void A_file_larger_than_the_directory_is_refused_naming_both()
    {
        Assert.Equal("actornet.sources.sensors.record.file-size: \"2 MiB\" is not valid; expected at most max-size (1 MiB)",
            SingleError("max-size = 1 MiB, file-size = 2 MiB"));
    }

    [Fact]
    public void An_unknown_key_is_refused()
    {
        Assert.Contains("actornet.sources.sensors.record.max-sise", SingleError("max-sise = 1 MiB"), StringComparison.Ordinal);
    }

    [Fact]
    public void Recording_a_file_source_is_refused_naming_the_key_and_why()
    {
        var errors = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse("""
            actornet.sources.vendor { type = file, path = "/var/log/vendor/*.log", record { enabled = on } }
            """)).Errors;

        Assert.Equal(
            "actornet.sources.vendor.record.enabled: \"on\" is not valid; expected off for a file source " +
            "(the file is its own recording: to replay it, follow a copy with start-at = beginning)",
            Assert.Single(errors));
    }

    [Fact]
    public void Recording_a_udp_source_is_accepted()
    {
        var source = Assert.Single(ActorNetSettings.Parse("""
            actornet.sources.syslog { type = udp, port = 5514, framing { type = raw }, record { enabled = on } }
            """).Sources);

        Assert.True(source.Record.Enabled);
    }

    [Fact]
    public void Waits_for_a_writer_that_is_behind_unless_told_to_drop()
    {
        Assert.True(Parse("").WaitWhenBehind);
        Assert.False(Parse("when-behind = drop").WaitWhenBehind);
        Assert.Contains("actornet.sources.sensors.record.when-behind", SingleError("when-behind = block"), StringComparison.Ordinal);
    }
}
