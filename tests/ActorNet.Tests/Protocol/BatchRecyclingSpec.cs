using ActorNet.Framing;
using ActorNet.Parsing;
using ActorNet.Protocol;
using Akka.Actor;
using Xunit;

namespace ActorNet.Tests.Protocol;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BatchPoolCollection
{
    // The pool is the process's: no other test may rent or return while these count it.
    public const string Name = "batch pool";
}

/// <summary>
/// A pooled frame batch (and its parsed batch) is reused only when its owner released it and every sink the parser
/// sent it to sent it back; one lost on the way, or released before it was parsed, is left to the collector.
/// </summary>
[Collection(BatchPoolCollection.Name)]
public sealed class BatchRecyclingSpec
{
    private static readonly ConnectionInfo Connection = new("sensors", 7, "127.0.0.1:5000");
    private static readonly SourceRoute TwoSinks = new([ActorRefs.Nobody, ActorRefs.Nobody], [true, false], [false, true]);

    private static FrameBatch Rent(long firstSeq = 1)
    {
        var buffer = BatchBuffers.Bytes.Rent(16);
        var slices = BatchBuffers.Slices.Rent(1);
        slices[0] = new FrameSpan(0, 4);
        return FrameBatch.Rent(Connection, firstSeq, DateTime.UtcNow, buffer, slices, 1, null);
    }

    private static void Drain()
    {
        while (BatchPool.TryTake() is not null) { }
    }

    [Fact]
    public void A_batch_goes_back_to_the_pool_once_released_and_back_from_every_sink_and_is_reused_clean()
    {
        Drain();
        var batch = Rent();
        var parsed = batch.Parsed(PayloadFormat.Text, null, null, TwoSinks);
        parsed.Acknowledge(0);
        parsed.Acknowledge(1);

        // The first sink's message: the owner applies both slots and releases, but the second message is still coming.
        Assert.Equal([0, 1], Slots(parsed.TakeAcknowledgedSlots()));
        batch.Release();
        parsed.Returned();
        Assert.Equal(0, BatchPool.Count);
        Assert.Same(Connection, batch.Connection);

        // The second: nothing new to apply, and nobody holds the batch any more.
        Assert.True(parsed.TakeAcknowledgedSlots().IsEmpty);
        parsed.Returned();
        Assert.Equal(1, BatchPool.Count);
        Assert.Null(parsed.Route);

        var again = Rent(firstSeq: 2);
        Assert.Same(batch, again);
        Assert.Equal(2, again.FirstSeq);
        var parsedAgain = again.Parsed(PayloadFormat.Text, null, null, TwoSinks);
        Assert.Same(parsed, parsedAgain);
        Assert.True(parsedAgain.TakeAcknowledgedSlots().IsEmpty);
        Assert.Same(TwoSinks, parsedAgain.Route);
    }

    [Fact]
    public void A_batch_back_from_every_sink_before_its_release_goes_back_at_the_release()
    {
        Drain();
        var batch = Rent();
        var parsed = batch.Parsed(PayloadFormat.Text, null, null, TwoSinks);
        parsed.Returned();
        parsed.Returned();
        Assert.Equal(0, BatchPool.Count);
        batch.Release();
        Assert.Equal(1, BatchPool.Count);
    }

    [Fact]
    public void A_batch_one_sink_never_sent_back_is_never_reused()
    {
        Drain();
        var batch = Rent();
        var parsed = batch.Parsed(PayloadFormat.Text, null, null, TwoSinks);
        // Released past a gap: the other sink restarted and lost its message.
        parsed.Returned();
        batch.Release();
        Assert.Equal(0, BatchPool.Count);
        Assert.NotSame(batch, Rent());
    }

    [Fact]
    public void A_batch_released_before_its_parser_had_it_is_never_reused()
    {
        Drain();
        var batch = Rent();
        batch.Release();
        Assert.Equal(0, BatchPool.Count);
    }

    [Fact]
    public void A_batch_that_owns_no_pooled_buffer_is_never_pooled()
    {
        Drain();
        var batch = new FrameBatch(Connection, 1, DateTime.UtcNow, [], [default], 1, [new RejectedFrame("truncated", "cut", Array.Empty<byte>(), 3)]);
        var parsed = batch.Parsed(PayloadFormat.Text, batch.Rejections, null, TwoSinks);
        Assert.NotSame(parsed, batch.Parsed(PayloadFormat.Text, batch.Rejections, null, TwoSinks));
        parsed.Returned();
        parsed.Returned();
        batch.Release();
        Assert.Equal(0, BatchPool.Count);
    }

    [Fact]
    public void Each_slot_is_applied_once_whatever_message_brings_it()
    {
        var parsed = new FrameBatch(Connection, 1, DateTime.UtcNow, new byte[4], [new FrameSpan(0, 4)], 1, null)
            .Parsed(PayloadFormat.Text, null, null, new SourceRoute([ActorRefs.Nobody, ActorRefs.Nobody, ActorRefs.Nobody], [true, true, false], [false, false, true]));
        parsed.Acknowledge(2);
        parsed.Acknowledge(0);
        Assert.Equal([0, 2], Slots(parsed.TakeAcknowledgedSlots()));
        parsed.Acknowledge(1);
        parsed.Acknowledge(0);
        Assert.Equal([1], Slots(parsed.TakeAcknowledgedSlots()));
        Assert.True(parsed.TakeAcknowledgedSlots().IsEmpty);
    }

    [Fact]
    public void The_pool_keeps_at_most_its_capacity()
    {
        Drain();
        var held = Enumerable.Range(0, BatchPool.Capacity + 10).Select(_ => Rent()).ToList();
        foreach (var batch in held) BackFromBothSinksAndReleased(batch);
        Assert.Equal(BatchPool.Capacity, BatchPool.Count);
        Drain();
    }

    private static void BackFromBothSinksAndReleased(FrameBatch batch)
    {
        batch.Parsed(PayloadFormat.Text, null, null, TwoSinks);
        batch.Release();
        batch.SinkMessageReturned();
        batch.SinkMessageReturned();
    }

    private static int[] Slots(SlotSet set)
    {
        var slots = new List<int>();
        foreach (var slot in set) slots.Add(slot);
        return [.. slots];
    }
}
