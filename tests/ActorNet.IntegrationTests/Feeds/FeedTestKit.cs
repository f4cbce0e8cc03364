using System.Diagnostics;
using ActorNet.IntegrationTests.Actors;
using ActorNet.Hosting;

namespace ActorNet.IntegrationTests.Feeds;

/// <summary>
/// <see cref="ActorNetTestKit"/> with its source turned into a tcp-connect feed of a <see cref="FakeFeedServer"/>
/// (a later key in the source block overrides the kit's <c>type</c> and <c>port</c>).
/// </summary>
public abstract class FeedTestKit : ActorNetTestKit
{
    /// <summary>Watches the whole test, so that a stall before the first timed event is seen too.</summary>
    protected ThreadPoolWatch Pool { get; } = new();

    protected ActorNetService StartFeed(FakeFeedServer server, string sourceBody) =>
        StartActorNet($"""
            type = tcp-connect
            port = {server.Port}
            {sourceBody}
            """);

    protected static double Milliseconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    protected SeenRecord[] DataOf(long connection) => Data.Where(r => r.Connection == connection).ToArray();

    protected override void Dispose(bool disposing)
    {
        if (disposing) Pool.Dispose();
        base.Dispose(disposing);
    }
}
