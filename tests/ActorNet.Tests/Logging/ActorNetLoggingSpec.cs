using ActorNet.Configuration;
using ActorNet.Logging;
using ActorNet.Sinks;
using Akka.Event;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Logging;
using Xunit;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ActorNet.Tests.Logging;

public sealed class ActorNetLoggingSpec() : TestKit("akka.loglevel = INFO")
{
    [Fact]
    public void Without_a_logger_factory_events_go_to_akkas_logging_under_their_category()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(Info));

        ActorNetLogging.Get(Sys).Sink.Reachable("store");

        // Akka adds the system's address to a log source given as a string: "ActorNet.Sink (akka://test)".
        var info = probe.FishForMessage<Info>(i => i.LogSource.StartsWith(LogCategories.Sink + " ", StringComparison.Ordinal));
        Assert.Equal("Sink store can write again", info.Message.ToString());
    }

    [Fact]
    public void Without_a_logger_factory_akkas_level_decides_what_is_enabled()
    {
        var connection = ActorNetLogging.Get(Sys).Connection;

        Assert.False(connection.IsEnabled(LogLevel.Debug));
        Assert.True(connection.IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void With_a_logger_factory_each_component_logs_under_its_own_category()
    {
        var categories = new List<string>();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(new CategoryRecorder(categories)));

        var logging = ActorNetLogging.Use(Sys, factory);

        Assert.Same(logging, ActorNetLogging.Get(Sys));
        Assert.Equal(
            [LogCategories.Listener, LogCategories.Connection, LogCategories.Feed, LogCategories.Parser, LogCategories.Sink, LogCategories.Hosting, LogCategories.Summary],
            categories);
    }

    [Fact]
    public void A_second_factory_is_refused_rather_than_ignored()
    {
        using var first = LoggerFactory.Create(_ => { });
        using var second = LoggerFactory.Create(_ => { });
        ActorNetLogging.Use(Sys, first);

        Assert.Same(first, ActorNetLogging.Use(Sys, first).Factory);
        var error = Assert.Throws<InvalidOperationException>(() => ActorNetLogging.Use(Sys, second));
        Assert.Contains("before ActorNet starts", error.Message);
    }

    private sealed class CategoryRecorder(List<string> categories) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName)
        {
            categories.Add(categoryName);
            return Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        }

        public void Dispose()
        {
        }
    }
}
