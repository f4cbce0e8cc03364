using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorNet.Http.Admin;
using ActorNet.IntegrationTests.Support;
using ActorNet.Monitoring;
using Xunit;

namespace ActorNet.IntegrationTests.Http;

/// <summary>
/// Something that will never try again must not hide behind a green readiness: a feed that gave up turns the
/// feeds check unhealthy, names itself, and says why in /api/sources; a feed that is only retrying stays ready.
/// </summary>
public sealed class StoppedForGoodSpec : HttpTestKit
{
    [Fact]
    public async Task A_feed_that_gave_up_makes_ready_503_naming_it_while_a_retrying_one_does_not()
    {
        // A port nothing listens on: every connect is refused.
        var closed = Loopback.FreePort();
        await StartAsync(sourceSettings: $"type = tcp-connect, port = {closed}\nreconnect {{ min-backoff = 10ms, max-backoff = 20ms, max-attempts = 3 }}");
        var status = Service.Status.Source(SourceName)!;

        await PollAsync(() => Task.FromResult(status.State), s => s == SourceStates.GaveUp, s => $"the feed gives up; state {s}");
        var ready = await ReadyAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        var feeds = ready.Json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "feeds");
        Assert.Equal("unhealthy", feeds.GetProperty("status").GetString());
        Assert.Equal(SourceStates.GaveUp, feeds.GetProperty("notReady").GetProperty(SourceName).GetString());
        var source = (await Http.GetFromJsonAsync("/api/sources", AdminJsonContext.Default.SourcesResponse))!.Sources.Single(s => s.Name == SourceName);
        Assert.Equal(SourceStates.GaveUp, source.State);
        Assert.False(string.IsNullOrEmpty(source.LastError));
    }

    [Fact]
    public async Task A_feed_that_keeps_retrying_leaves_ready_at_200()
    {
        var closed = Loopback.FreePort();
        await StartAsync(sourceSettings: $"type = tcp-connect, port = {closed}\nreconnect {{ min-backoff = 10ms, max-backoff = 20ms }}");
        var status = Service.Status.Source(SourceName)!;
        await PollAsync(() => Task.FromResult(status.Reconnects), n => n >= 3, n => $"three reconnects; {n}");

        var ready = await ReadyAsync();

        Assert.True(ready.Status == HttpStatusCode.OK, ready.Body);
        Assert.NotEqual(SourceStates.GaveUp, status.State);
    }

    private async Task<(HttpStatusCode Status, string Body, JsonDocument Json)> ReadyAsync()
    {
        using var response = await Http.GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body, JsonDocument.Parse(body));
    }
}
