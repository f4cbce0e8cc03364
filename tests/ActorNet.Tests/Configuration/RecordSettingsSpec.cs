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
}
