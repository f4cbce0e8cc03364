using ActorNet.Configuration;
using ActorNet.Logging;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class LogSettingsSpec
{
    private const string ASource = "\nactornet.sources.sensors.port = 7000";

    [Fact]
    public void Defaults_are_info_text_to_standard_output_with_a_summary_a_minute_and_microsoft_at_warning()
    {
        var log = Parse("");

        Assert.Equal(LogLevel.Information, log.Level);
        Assert.Equal(LogFormat.Text, log.Format);
        Assert.Null(log.File);
        Assert.Equal(TimeSpan.FromSeconds(60), log.SummaryInterval);
        Assert.Equal(10_000, log.QueueSize);
        Assert.Equal(new Dictionary<string, LogLevel> { [LogCategories.Microsoft] = LogLevel.Warning }, log.Levels);
        Assert.Equal(log, LogSettings.Reference);
    }

    [Fact]
    public void Reads_every_key()
    {
        var log = Parse("""
            actornet.log {
              level = warning
              format = json
              summary-interval = off
              queue-size = 50
              levels { connection = debug, sink = error, akka = off, microsoft = inherit }
              file { path = "logs/actornet.log", rolling = hour, max-size = 10 MiB, retained = 3 }
            }
            """);

        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.Equal(LogFormat.Json, log.Format);
        Assert.Null(log.SummaryInterval);
        Assert.Equal(50, log.QueueSize);
        Assert.Equal(new Dictionary<string, LogLevel>
        {
            [LogCategories.Connection] = LogLevel.Debug,
            [LogCategories.Sink] = LogLevel.Error,
            [LogCategories.Akka] = LogLevel.None,
        }, log.Levels);
        Assert.Equal(new LogFileSettings("logs/actornet.log", LogRolling.Hour, 10 * 1024 * 1024, 3), log.File);
        Assert.Equal(LogLevel.None, log.AkkaLevel);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("\"\"")]
    public void A_file_path_of_off_or_empty_writes_no_file(string path) =>
        Assert.Null(Parse($"actornet.log.file.path = {path}").File);

    [Fact]
    public void File_limits_may_be_off()
    {
        var file = Parse("actornet.log.file { path = a.log, rolling = off, max-size = off, retained = off }").File;

        Assert.Equal(new LogFileSettings("a.log", LogRolling.Off, null, null), file);
    }

    [Theory]
    [InlineData("level = loud", "actornet.log.level", "loud", "one of trace, debug, info, warning, error, critical, off")]
    [InlineData("format = xml", "actornet.log.format", "xml", "one of text, json")]
    [InlineData("levels.connection = verbose", "actornet.log.levels.connection", "verbose", "one of trace, debug, info, warning, error, critical, off, inherit")]
    [InlineData("summary-interval = 10ms", "actornet.log.summary-interval", "10ms", "a duration from")]
    [InlineData("queue-size = 0", "actornet.log.queue-size", "0", "an integer from 1 to 10000000")]
    [InlineData("file.rolling = weekly", "actornet.log.file.rolling", "weekly", "one of day, hour, minute, month, year, off")]
    [InlineData("file.retained = 0", "actornet.log.file.retained", "0", "an integer from 1 to 100000, or off")]
    [InlineData("file.max-size = 10", "actornet.log.file.max-size", "10", "a size from 1 KiB")]
    public void A_bad_value_names_the_key_the_value_and_what_was_expected(string line, string key, string value, string expected)
    {
        var error = SingleError($"actornet.log.{line}{ASource}");

        Assert.StartsWith($"{key}: \"{value}\" is not valid; expected {expected}", error);
    }

    [Fact]
    public void An_unknown_category_is_rejected_with_the_known_ones()
    {
        var error = SingleError("actornet.log.levels.connections = debug" + ASource);

        Assert.StartsWith("actornet.log.levels.connections: unknown key; expected one of akka, connection, feed, hosting, http, listener, microsoft, parser, recording, sink, summary",
            error);
    }

    [Fact]
    public void Settings_read_from_the_same_text_are_equal()
    {
        const string text = "actornet.log.levels { connection = debug, parser = error }";

        Assert.Equal(Parse(text), Parse(text));
        Assert.NotEqual(Parse(text), Parse("actornet.log.levels { connection = debug }"));
        Assert.NotEqual(Parse(text), Parse(text + "\nactornet.log.queue-size = 5"));
    }

    private static LogSettings Parse(string hocon) => ActorNetSettings.Parse(hocon + ASource).Log;

    private static string SingleError(string hocon)
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(hocon));
        Assert.True(ex.Errors.Count == 1, "expected one error, got:" + Environment.NewLine + string.Join(Environment.NewLine, ex.Errors));
        return ex.Errors[0];
    }
}
