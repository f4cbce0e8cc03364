using ActorNet.Connections;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Connections;

public sealed class ProcessBudgetSpec
{
    private const int R = 1024;

    [Fact]
    public void A_read_that_fits_is_reserved_at_once_and_counts_as_held_and_in_motion()
    {
        var budget = new ProcessBudget(8 * R);
        var a = new Waiter();

        Assert.True(budget.TryReserve(a, 2 * R, firstRead: true));

        Assert.Equal(2 * R, budget.Held);
        Assert.Equal(2 * R, budget.InMotion);
        Assert.Equal(0, budget.Waiting);
        Assert.Equal(0, budget.Pauses);
    }

    [Fact]
    public void A_read_that_does_not_fit_pauses_its_connection_until_a_release_wakes_it()
    {
        var budget = new ProcessBudget(4 * R);
        var holder = new Waiter();
        var a = new Waiter();
        Assert.True(budget.TryReserve(holder, 4 * R, firstRead: true));

        Assert.False(budget.TryReserve(a, 2 * R, firstRead: false));
        Assert.Equal(1, budget.Waiting);
        Assert.Equal(1, budget.Pauses);
        Assert.Equal(0, a.Wakes);

        budget.Adjust(-2 * R, -2 * R);
        Assert.Equal(1, a.Wakes);
        Assert.True(budget.TryReserve(a, 2 * R, firstRead: false));
        Assert.Equal(0, budget.Waiting);
        Assert.Equal(4 * R, budget.Held);
    }

    [Fact]
    public void Waiters_are_resumed_in_the_order_they_paused_and_a_newcomer_does_not_overtake_them()
    {
        var budget = new ProcessBudget(4 * R);
        var holder = new Waiter();
        Assert.True(budget.TryReserve(holder, 4 * R, firstRead: true));
        var (a, b, c) = (new Waiter(), new Waiter(), new Waiter());
        Assert.False(budget.TryReserve(a, R, firstRead: false));
        Assert.False(budget.TryReserve(b, R, firstRead: false));
        Assert.False(budget.TryReserve(c, R, firstRead: false));

        budget.Adjust(-3 * R, -3 * R);

        // Room for all three, but only the head is woken; each one that reserves wakes the next.
        Assert.Equal((1, 0, 0), (a.Wakes, b.Wakes, c.Wakes));
        Assert.False(budget.TryReserve(c, R, firstRead: false), "c asked before its turn");
        var newcomer = new Waiter();
        Assert.False(budget.TryReserve(newcomer, R, firstRead: false), "a newcomer must queue behind the waiters");
        Assert.True(budget.TryReserve(a, R, firstRead: false));
        Assert.Equal(1, b.Wakes);
        Assert.True(budget.TryReserve(b, R, firstRead: false));
        Assert.True(budget.TryReserve(c, R, firstRead: false));
        Assert.Equal(1, newcomer.Wakes);
        Assert.False(budget.TryReserve(newcomer, R, firstRead: false), "the budget is full again");
    }

    [Fact]
    public void A_connection_that_holds_nothing_reads_when_first_in_the_queue_even_if_the_budget_is_full()
    {
        var budget = new ProcessBudget(4 * R);
        var stuck = new Waiter();
        Assert.True(budget.TryReserve(stuck, 4 * R, firstRead: true)); // pinned by a sink that never acknowledges
        var (empty, holding) = (new Waiter(), new Waiter());

        Assert.True(budget.TryReserve(empty, 2 * R, firstRead: true));
        Assert.Equal(6 * R, budget.Held);
        Assert.False(budget.TryReserve(holding, 2 * R, firstRead: true), "past the limit, not even a first read");
    }

    [Fact]
    public void When_nothing_held_is_in_motion_the_first_waiter_reads_past_the_limit()
    {
        var budget = new ProcessBudget(4 * R);
        var partial = new Waiter();
        Assert.True(budget.TryReserve(partial, 4 * R, firstRead: true));
        var a = new Waiter();
        Assert.False(budget.TryReserve(a, 2 * R, firstRead: false));

        // The read completed and left only partial frames: nothing will be released without another read.
        budget.Adjust(0, -4 * R);

        Assert.Equal(1, a.Wakes);
        Assert.True(budget.TryReserve(a, 2 * R, firstRead: false));
    }

    [Fact]
    public void A_waiter_that_leaves_the_queue_passes_its_turn_on()
    {
        var budget = new ProcessBudget(2 * R);
        var holder = new Waiter();
        Assert.True(budget.TryReserve(holder, 2 * R, firstRead: true));
        var (a, b) = (new Waiter(), new Waiter());
        Assert.False(budget.TryReserve(a, R, firstRead: false));
        Assert.False(budget.TryReserve(b, R, firstRead: false));
        budget.Adjust(-R, -R);
        Assert.Equal((1, 0), (a.Wakes, b.Wakes));

        budget.Leave(a);

        Assert.Equal(1, b.Wakes);
        Assert.True(budget.TryReserve(b, R, firstRead: false));
        Assert.Equal(0, budget.Waiting);
    }

    /// <summary>
    /// Connections as ConnectionActor drives them, in a random interleaving: each wants a number of reads; a read
    /// reserves one or two read buffers and, once it completes, pins what it read (at most what it reserved); sinks
    /// acknowledge pinned bytes at random; wake-ups are messages delivered late and in any order across connections.
    /// The total never passes the limit by more than one reservation, paused connections resume in the order they
    /// paused, and once the sinks catch up every connection has done all its reads.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Whatever_the_interleaving_the_budget_holds_and_every_waiter_resumes_in_order() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), Gen.Choose(1, 30).ToArbitrary(), Gen.Choose(1, 8).ToArbitrary(),
            (seed, count, buffersInLimit) => { Simulate(new Random(seed), count, (long)buffersInLimit * R); });

    [Fact]
    public void The_simulation_does_pause_connections_so_that_the_property_says_something()
    {
        var pauses = Enumerable.Range(0, 20).Sum(seed => Simulate(new Random(seed), count: 20, limit: 2 * R));

        Assert.True(pauses > 100, $"{pauses} pauses in 20 runs");
    }

    /// <returns>The pauses seen.</returns>
    private static long Simulate(Random random, int count, long limit)
    {
        var budget = new ProcessBudget(limit);
        var connections = Enumerable.Range(0, count).Select(i => new SimulatedConnection(i, random.Next(1, 6))).ToArray();
        var paused = new List<int>();
        var resumed = new List<int>();

        void TryRead(SimulatedConnection c)
        {
            if (c.Reading || c.ReadsLeft == 0) return;
            var reserve = random.Next(2) == 0 ? R : 2 * R;
            var wasQueued = c.Node is not null;
            if (!budget.TryReserve(c, reserve, firstRead: c.Charged == 0))
            {
                if (!wasQueued) paused.Add(c.Id);
                c.IsPaused = true;
                return;
            }
            if (wasQueued) resumed.Add(c.Id);
            c.IsPaused = false;
            c.Reading = true;
            c.Reserved = reserve;
            c.Charged += reserve;
        }

        void Complete(SimulatedConnection c)
        {
            var read = random.Next(1, (int)c.Reserved + 1);
            budget.Adjust(read - c.Reserved, read - c.Reserved);
            c.Charged += read - c.Reserved;
            c.Pinned += read;
            c.Reading = false;
            c.ReadsLeft--;
        }

        void Acknowledge(SimulatedConnection c, long bytes)
        {
            budget.Adjust(-bytes, -bytes);
            c.Pinned -= bytes;
            c.Charged -= bytes;
        }

        void Deliver(SimulatedConnection c)
        {
            c.Wakes--;
            if (c.IsPaused) TryRead(c);
        }

        void Check()
        {
            Assert.Equal(connections.Sum(c => c.Charged), budget.Held);
            Assert.True(budget.Held <= limit + 2 * R, $"{budget.Held} held, limit {limit}");
        }

        for (var step = 0; step < 400; step++)
        {
            var c = connections[random.Next(count)];
            switch (random.Next(4))
            {
                case 0:
                    if (!c.IsPaused) TryRead(c);
                    break;
                case 1:
                    if (c.Reading) Complete(c);
                    break;
                case 2:
                    if (c.Pinned > 0) Acknowledge(c, random.Next(1, (int)c.Pinned + 1));
                    break;
                default:
                    if (c.Wakes > 0) Deliver(c);
                    break;
            }
            Check();
        }

        // The sinks catch up: everything read is acknowledged, wake-ups are delivered, until nothing moves.
        for (var round = 0; round < 100_000; round++)
        {
            var moved = false;
            foreach (var c in connections)
            {
                if (c.Reading) { Complete(c); moved = true; }
                if (c.Pinned > 0) { Acknowledge(c, c.Pinned); moved = true; }
                if (c.Wakes > 0) { Deliver(c); moved = true; }
                else if (!c.IsPaused && !c.Reading && c.ReadsLeft > 0) { TryRead(c); moved = true; }
                Check();
            }
            if (!moved) break;
        }

        Assert.All(connections, c => Assert.Equal(0, c.ReadsLeft));
        Assert.Equal(0, budget.Waiting);
        Assert.Equal(0, budget.Held);
        Assert.Equal(0, budget.InMotion);
        Assert.Equal(paused, resumed);
        return budget.Pauses;
    }

    private sealed class Waiter : BudgetWaiter
    {
        public int Wakes { get; private set; }

        protected internal override void Resume() => Wakes++;
    }

    private sealed class SimulatedConnection(int id, int reads) : BudgetWaiter
    {
        public int Id { get; } = id;
        public int ReadsLeft { get; set; } = reads;
        public int Wakes { get; set; }
        public bool IsPaused { get; set; }
        public bool Reading { get; set; }
        public long Reserved { get; set; }
        public long Pinned { get; set; }
        public long Charged { get; set; }

        protected internal override void Resume() => Wakes++;
    }
}
