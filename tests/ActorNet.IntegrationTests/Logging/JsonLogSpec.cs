using System.Globalization;
using System.Text.Json;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Logging;

/// <summary>
/// <c>actornet.log.format = json</c> on the real executable: every line of standard output is one JSON object in
/// Serilog's compact format, stamped in UTC, and each event names the component that wrote it in SourceContext, with
/// its structured properties.
/// </summary>
public sealed class JsonLogSpec
{
    [Fact]
    public async Task Every_line_parses_back_with_a_utc_timestamp_its_component_and_its_properties()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config,
            LoggedRun.Config(directory, port, "format = json, summary-interval = 1s, levels.connection = debug", brokenSink: true, http: true, deadFeed: true));

        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await process.WaitForOutputAsync($"\"Endpoint\":\"127.0.0.1:{port}\"", LoggedRun.Bound);
        var peer = await LoggedRun.SendGoodAndBadLineAsync(port);
        await process.WaitForOutputAsync(line => line.Contains("\"SourceContext\":\"ActorNet.Summary\"", StringComparison.Ordinal),
            "the source's summary", LoggedRun.Bound);
        await LoggedRun.StopAsync(process);

        var events = new List<JsonElement>();
        foreach (var line in process.StdoutLines)
        {
            JsonElement parsed;
            try
            {
                parsed = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new Xunit.Sdk.XunitException($"not a JSON line ({e.Message}): {line}{Environment.NewLine}{process.Output}");
            }
            var stamp = parsed.GetProperty("@t").GetString()!;
            Assert.EndsWith("Z", stamp);
            var time = DateTime.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            Assert.Equal(DateTimeKind.Utc, time.Kind);
            Assert.InRange(time, DateTime.UtcNow.AddMinutes(-2), DateTime.UtcNow.AddSeconds(1));
            Assert.True(parsed.TryGetProperty("@m", out _), line);
            events.Add(parsed);
        }

        var contexts = events.Select(e => e.TryGetProperty("SourceContext", out var c) ? c.GetString() : null).ToHashSet();
        foreach (var component in new[] { "Listener", "Connection", "Feed", "Parser", "Sink", "Http", "Hosting", "Summary" })
            Assert.True(contexts.Contains("ActorNet." + component), $"no event of ActorNet.{component}{Environment.NewLine}{process.Stdout}");

        var listening = Single(events, "ActorNet.Listener", e => Text(e, "Source") == "s" && EventName(e) == "Listening", process.Stdout);
        // The compact format leaves the level out for Information.
        Assert.False(listening.TryGetProperty("@l", out _));

        var opened = Single(events, "ActorNet.Connection", e => Text(e, "Peer") == peer && EventName(e) == "Opened", process.Stdout);
        Assert.Equal("Debug", Text(opened, "@l"));
        Assert.Equal("s", Text(opened, "Source"));
        Assert.Equal(JsonValueKind.Number, opened.GetProperty("ConnectionId").ValueKind);
        var connectionId = opened.GetProperty("ConnectionId").GetInt64();

        var closed = Single(events, "ActorNet.Connection", e => Text(e, "Peer") == peer && EventName(e) == "Closed", process.Stdout);
        Assert.Equal(connectionId, closed.GetProperty("ConnectionId").GetInt64());
        Assert.Equal(2, closed.GetProperty("Frames").GetInt64());

        var quarantined = Single(events, "ActorNet.Parser", e => Text(e, "Peer") == peer, process.Stdout);
        Assert.Equal("Warning", Text(quarantined, "@l"));
        Assert.Equal(connectionId, quarantined.GetProperty("ConnectionId").GetInt64());
        Assert.Equal("s", Text(quarantined, "Source"));

        var sink = events.First(e => Text(e, "SourceContext") == "ActorNet.Sink");
        Assert.Equal("broken", Text(sink, "Sink"));
        Assert.Equal("Error", Text(sink, "@l"));

        // The peer's activity may straddle two intervals: the summaries add up to it.
        var summaries = events.Where(e => Text(e, "SourceContext") == "ActorNet.Summary" && Text(e, "Source") == "s").ToArray();
        long Sum(string property) => summaries.Sum(e => e.GetProperty(property).GetInt64());
        Assert.Equal(1, Sum("Opened"));
        Assert.Equal(1, Sum("Closed"));
        Assert.Equal(2, Sum("Frames"));
        Assert.Equal(1, Sum("Quarantined"));
        Assert.Equal(0, summaries[^1].GetProperty("Active").GetInt64());
        Assert.All(summaries, e => Assert.Equal("1s", Text(e, "Interval")));
        // A source without activity (t) has no summary.
        Assert.DoesNotContain(events, e => Text(e, "SourceContext") == "ActorNet.Summary" && Text(e, "Source") == "t");

        var backingOff = events.First(e => Text(e, "SourceContext") == "ActorNet.Feed" && EventName(e) == "FeedBackingOff");
        Assert.Equal("f", Text(backingOff, "Source"));
        Assert.Equal("Warning", Text(backingOff, "@l"));

        Assert.Contains(events, e => Text(e, "SourceContext") == "ActorNet.Http" && Text(e, "Url") is { } url && url.StartsWith("http://127.0.0.1:"));
        Assert.Contains(events, e => Text(e, "SourceContext") == "ActorNet.Hosting" && EventName(e) == "Drained");
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The name of the event's <c>[LoggerMessage]</c> method (<c>EventId.Name</c>), or null for an event without one.</summary>
    private static string? EventName(JsonElement e) =>
        e.TryGetProperty("EventId", out var id) && id.TryGetProperty("Name", out var name) ? name.GetString() : null;

    private static JsonElement Single(List<JsonElement> events, string context, Func<JsonElement, bool> match, string stdout)
    {
        var found = events.Where(e => Text(e, "SourceContext") == context && match(e)).ToArray();
        Assert.True(found.Length == 1, $"{found.Length} matching events of {context}{Environment.NewLine}{stdout}");
        return found[0];
    }
}
