using ActorNet.Protocol;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Tests.Protocol;

/// <summary>A sink finds its slot (and so its part of a batch) in the route the batch carries.</summary>
public sealed class SourceRouteSpec : TestKit
{
    [Fact]
    public async Task A_sink_finds_its_slot_by_its_reference_and_a_stranger_finds_none()
    {
        var data = CreateTestProbe().Ref;
        var quarantine = CreateTestProbe().Ref;
        var route = new SourceRoute([data, quarantine], [true, false], [false, true]);

        Assert.Equal(0, route.SlotOf(data));
        Assert.Equal(1, route.SlotOf(quarantine));
        // An actor's Self is the very reference ActorOf returned (and put in the route), also resolved again.
        Assert.Equal(1, route.SlotOf(await Sys.ActorSelection(quarantine.Path).ResolveOne(TimeSpan.FromSeconds(3))));
        Assert.Equal(-1, route.SlotOf(CreateTestProbe().Ref));
    }

    [Fact]
    public void A_route_has_at_most_one_slot_per_acknowledgement_bit()
    {
        var sinks = Enumerable.Repeat(ActorRefs.Nobody, SourceRoute.MaxSlots + 1).ToArray();
        var flags = Enumerable.Repeat(true, sinks.Length).ToArray();
        Assert.Throws<ArgumentOutOfRangeException>(() => new SourceRoute(sinks, flags, flags));
        Assert.Equal(SourceRoute.MaxSlots, new SourceRoute(sinks[..^1], flags[..^1], flags[..^1]).Count);
    }
}
