using ActorNet.Connections;
using Xunit;

namespace ActorNet.Tests.Connections;

public sealed class DescriptorBudgetSpec
{
    [Fact]
    public void Peers_get_what_the_limit_leaves_after_the_open_descriptors_the_reserve_and_one_per_feed()
    {
        var plan = DescriptorBudget.Plan(limit: 1024, openNow: 174, reserve: 256, feeds: 2, maxConnections: 2000);
        Assert.Equal(1024 - 174 - 256 - 2, plan.Cap);
        Assert.True(plan.Capped);
        Assert.Equal(2000 + 174 + 256 + 2, plan.Needed);
    }

    [Fact]
    public void A_limit_that_holds_every_max_connections_caps_nothing()
    {
        var plan = DescriptorBudget.Plan(limit: 1_048_576, openNow: 300, reserve: 256, feeds: 0, maxConnections: 10_000);
        Assert.Equal(10_000, plan.Cap);
        Assert.False(plan.Capped);
    }

    [Fact]
    public void A_limit_that_cannot_hold_the_reserve_leaves_no_peer()
    {
        Assert.Equal(0, DescriptorBudget.Plan(limit: 256, openNow: 174, reserve: 256, feeds: 0, maxConnections: 10).Cap);
    }

    [Fact]
    public void Slots_are_refused_at_the_capacity_and_given_again_once_returned()
    {
        var budget = new DescriptorBudget(2);
        Assert.True(budget.TryTake());
        Assert.True(budget.TryTake());
        Assert.False(budget.TryTake());
        budget.Return();
        Assert.Equal(1, budget.InUse);
        Assert.True(budget.TryTake());
        Assert.False(budget.TryTake());
    }

    [Fact]
    public void A_resize_keeps_the_slots_taken_and_refuses_or_admits_by_the_new_capacity()
    {
        var budget = new DescriptorBudget(2);
        Assert.True(budget.TryTake());
        Assert.True(budget.TryTake());
        Assert.False(budget.TryTake());

        budget.Resize(3);
        Assert.True(budget.TryTake());
        Assert.False(budget.TryTake());
        Assert.Equal(3, budget.InUse);

        // Shrunk below what is held: nobody is closed, new peers wait until enough have gone.
        budget.Resize(1);
        Assert.False(budget.TryTake());
        budget.Return();
        budget.Return();
        Assert.False(budget.TryTake());
        budget.Return();
        Assert.True(budget.TryTake());
    }

    [Fact]
    public void Listeners_taking_slots_at_once_never_pass_the_capacity()
    {
        var budget = new DescriptorBudget(1000);
        var taken = 0;
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 10_000; i++)
                if (budget.TryTake()) Interlocked.Increment(ref taken);
        });
        Assert.Equal(1000, taken);
        Assert.Equal(1000, budget.InUse);
    }

    [Fact]
    public void A_closed_transport_gives_its_slot_back_once()
    {
        var budget = new DescriptorBudget(1);
        Assert.True(budget.TryTake());
        var transport = new SocketTransport(new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp), budget);
        transport.Dispose();
        transport.Dispose();
        Assert.Equal(0, budget.InUse);
    }
}
