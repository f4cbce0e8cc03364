using ActorNet.Connections;
using ActorNet.Framing;
using ActorNet.Parsing;
using ActorNet.Protocol;
using Akka.Actor;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Protocol;

/// <summary>
/// A batch whose connection stopped before its sinks were done (a peer that sent a line and closed, a sink behind)
/// stays counted in the process budget and gives its bytes back exactly once, when the last sink finishes it, whoever
/// comes last: the stopping owner or a sink on another thread.
/// </summary>
[Collection(BatchPoolCollection.Name)]
public sealed class OrphanedBatchSpec
{
    private const int Bytes = 1024;
    private static readonly ConnectionInfo Connection = new("sensors", 9, "127.0.0.1:5000");
    private static readonly SourceRoute TwoSinks = new([ActorRefs.Nobody, ActorRefs.Nobody], [true, false], [false, true]);

    /// <summary>A budget holding one batch, as a connection leaves it when it stops.</summary>
    private static ProcessBudget Holding(int bytes)
    {
        var budget = new ProcessBudget(1L << 30);
        budget.Adjust(bytes, bytes);
        return budget;
    }

    private static FrameBatch Rent()
    {
        var slices = BatchBuffers.Slices.Rent(1);
        slices[0] = new FrameSpan(0, 4);
        return FrameBatch.Rent(Connection, 1, DateTime.UtcNow, BatchBuffers.Bytes.Rent(Bytes), slices, 1, null);
    }

    private static void Finish(ParsedBatch parsed, int slot)
    {
        parsed.Acknowledge(slot);
        parsed.Frames.SinkFinished();
    }

    [Fact]
    public void Gives_its_bytes_back_when_the_last_sink_finishes_it_and_not_before()
    {
        var batch = Rent();
        var budget = Holding(batch.HeldBytes);
        var parsed = batch.Parsed(PayloadFormat.Text, null, null, TwoSinks);

        batch.Orphan(budget);
        Assert.Equal(batch.HeldBytes, budget.Held);
        Finish(parsed, 0);
        Assert.Equal(batch.HeldBytes, budget.Held);
        Finish(parsed, 1);
        Assert.Equal(0, budget.Held);
        Assert.Equal(0, budget.InMotion);
        Assert.Equal(0, budget.Orphans);
        // A late call (the sink message that went to the closed connection's dead letters) changes nothing.
        parsed.Frames.SinkFinished();
        Assert.Equal(0, budget.Held);
    }

    [Fact]
    public void Gives_its_bytes_back_at_once_when_every_sink_finished_before_the_owner_stopped()
    {
        var batch = Rent();
        var budget = Holding(batch.HeldBytes);
        var parsed = batch.Parsed(PayloadFormat.Text, null, null, TwoSinks);
        Finish(parsed, 0);
        Finish(parsed, 1);
        Assert.Equal(batch.HeldBytes, budget.Held);

        batch.Orphan(budget);
        Assert.Equal(0, budget.Held);
    }

    [Fact]
    public void Orphaned_before_its_parser_had_it_waits_for_the_sinks_of_its_route()
    {
        var batch = Rent();
        var budget = Holding(batch.HeldBytes);
        batch.Orphan(budget);
        Assert.Equal(batch.HeldBytes, budget.Held);

        var parsed = batch.Parsed(PayloadFormat.Text, null, null, TwoSinks);
        Finish(parsed, 1);
        Assert.Equal(batch.HeldBytes, budget.Held);
        Finish(parsed, 0);
        Assert.Equal(0, budget.Held);
    }

    [Fact]
    public void A_sink_finishing_a_batch_its_live_owner_already_reused_gives_nothing_back()
    {
        while (BatchPool.TryTake() is not null) { }
        var batch = Rent();
        var parsed = batch.Parsed(PayloadFormat.Text, null, null, TwoSinks);
        Finish(parsed, 0);
        Finish(parsed, 1);
        parsed.TakeAcknowledgedSlots();
        batch.Release();
        parsed.Returned();
        parsed.Returned();
        var reused = Rent();
        Assert.Same(batch, reused);
        var budget = Holding(reused.HeldBytes);

        // The first use's sink, late: the new use is owned, and its sinks have not finished it.
        parsed.Frames.SinkFinished();
        Assert.Equal(reused.HeldBytes, budget.Held);
        reused.Orphan(budget);
        Assert.Equal(reused.HeldBytes, budget.Held);
    }

    [Fact]
    public void A_stage_stopped_for_good_gives_back_every_orphan_once_and_a_late_sink_changes_nothing()
    {
        var waiting = Rent();
        var unparsed = Rent();
        var budget = Holding(waiting.HeldBytes + unparsed.HeldBytes);
        var parsed = waiting.Parsed(PayloadFormat.Text, null, null, TwoSinks);
        Finish(parsed, 0);
        waiting.Orphan(budget);
        unparsed.Orphan(budget);
        Assert.Equal(2, budget.Orphans);

        Assert.Equal(waiting.HeldBytes + unparsed.HeldBytes, budget.ReleaseOrphans());
        Assert.Equal(0, budget.Held);
        Assert.Equal(0, budget.Orphans);

        Finish(parsed, 1);
        Assert.Equal(0, budget.Held);
        Assert.Equal(0, budget.ReleaseOrphans());
    }

    /// <summary>The owner's stop and the two sinks' last acknowledgements on three threads: the bytes come back once.</summary>
    [Property(MaxTest = 200)]
    public void Gives_its_bytes_back_exactly_once_whatever_the_order_of_the_stop_and_the_sinks(PositiveInt spin0, PositiveInt spin1, PositiveInt spinOwner)
    {
        var batch = Rent();
        var budget = Holding(batch.HeldBytes);
        var parsed = batch.Parsed(PayloadFormat.Text, null, null, TwoSinks);
        using var start = new Barrier(3);
        void After(int spins, Action act)
        {
            start.SignalAndWait();
            Thread.SpinWait(spins % 2000);
            act();
        }
        var threads = new[]
        {
            new Thread(() => After(spin0.Get, () => Finish(parsed, 0))),
            new Thread(() => After(spin1.Get, () => Finish(parsed, 1))),
            new Thread(() => After(spinOwner.Get, () => batch.Orphan(budget))),
        };
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();

        Assert.Equal(0, budget.Held);
        Assert.Equal(0, budget.InMotion);
    }
}
