using System.Text.Json;
using ActorNet.IntegrationTests.Actors;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Tools;

/// <summary>The README's quick start: ActorNet's tcp-connect source against <c>actornet feed-sim</c>, which drops it mid-frame.</summary>
public sealed class FeedSimToActorNetSpec : ActorNetTestKit
{
    [Fact]
    public async Task ActorNet_stays_connected_to_a_feed_sim_that_drops_it_and_stores_every_complete_record()
    {
        using var directory = new TempDirectory();
        using var feed = await FeedSimProcess.StartAsync(directory, "--rate", "200", "--drop-every", "500ms", "--drop-mid-frame");
        StartActorNet($$"""
            type = tcp-connect
            port = {{feed.Port}}
            reconnect { min-backoff = 20ms, max-backoff = 100ms }
            on-connect = "LOGIN demo\n"
            parser = json
            """);

        // Several connections: feed-sim resets each after 500 ms, ActorNet reconnects every time.
        AwaitAssert(() => Assert.True(Data.Select(r => r.Connection).Distinct().Count() >= 3), TimeSpan.FromSeconds(20),
            TimeSpan.FromMilliseconds(50));

        foreach (var connection in Data.ToArray().GroupBy(r => r.Connection))
        {
            var records = connection.ToArray();
            Assert.Equal(Enumerable.Range(1, records.Length).Select(i => (long)i), records.Select(r => r.Seq));
            // feed-sim numbers each client's records from 1 too: nothing skipped, nothing repeated.
            var feedSeqs = records.Select(r => JsonDocument.Parse(r.Payload!).RootElement.GetProperty("seq").GetInt64());
            Assert.Equal(Enumerable.Range(1, records.Length).Select(i => (long)i), feedSeqs);
        }
        // The half record written before each reset is never a frame: quarantined as truncated, if it was read at all.
        Assert.All(Quarantine, r => Assert.Equal("truncated", r.Reason));
        Assert.Contains("LOGIN demo", feed.Process.Stdout);
    }
}
