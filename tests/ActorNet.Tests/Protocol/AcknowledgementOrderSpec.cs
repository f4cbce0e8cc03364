using ActorNet.Framing;
using ActorNet.Parsing;
using ActorNet.Protocol;
using Akka.Actor;
using Xunit;

namespace ActorNet.Tests.Protocol;

/// <summary>
/// A sink sets its bit on each batch in seq order and then tells that batch to the owner; another sink's message about
/// a later batch may reach the owner first, already carrying the first sink's bit. The ledger takes the earlier
/// batches' bits first (<see cref="AckLedger.Apply"/>), so that is no gap, while a bit really missing still is one.
/// </summary>
[Collection(BatchPoolCollection.Name)]
public sealed class AcknowledgementOrderSpec
{
    private static readonly ConnectionInfo Connection = new("sensors", 9, "127.0.0.1:5001");
    private static readonly SourceRoute TwoSinks = new([ActorRefs.Nobody, ActorRefs.Nobody], [true, false], [false, true]);

    [Fact]
    public void A_later_batch_told_first_with_another_sinks_bit_already_set_is_no_gap()
    {
        var ledger = new AckLedger(sinkSlots: 2);
        var (first, second) = (Send(ledger), Send(ledger));
        var (a, b) = (Parse(first), Parse(second));
        // Both sinks wrote both batches, each in order: the quarantine (slot 1) first.
        a.Acknowledge(1);
        b.Acknowledge(1);
        a.Acknowledge(0);
        b.Acknowledge(0);

        // The data sink's message about the second batch is handled before the quarantine's about the first.
        List<AckGap>? gaps = null;
        ledger.Apply(b, ref gaps);
        Assert.Null(gaps);
        Assert.False(ledger.LostFrames);
        Assert.Equal(2, ledger.AckedByAll);
        Assert.True(ledger.TryRelease(out var released) && ReferenceEquals(released, first));
        Assert.True(ledger.TryRelease(out released) && ReferenceEquals(released, second));

        // The messages still on their way bring nothing new.
        ledger.Apply(a, ref gaps);
        ledger.Apply(a, ref gaps);
        ledger.Apply(b, ref gaps);
        Assert.Null(gaps);
        Assert.False(ledger.LostFrames);
    }

    [Fact]
    public void Taking_only_the_told_batchs_bits_would_have_called_that_a_gap()
    {
        // What owners did before Apply: the rule Apply must not break (a slot's acknowledgements in seq order).
        var ledger = new AckLedger(sinkSlots: 2);
        var (first, second) = (Send(ledger), Send(ledger));
        var (a, b) = (Parse(first), Parse(second));
        a.Acknowledge(1);
        b.Acknowledge(1);
        b.Acknowledge(0);

        AckGap? gap = null;
        foreach (var slot in b.TakeAcknowledgedSlots()) gap ??= ledger.Acknowledge(slot, b.FirstSeq, b.LastSeq);

        Assert.Equal(new AckGap(0, 1, 1), gap);
    }

    [Fact]
    public void A_bit_missing_on_an_earlier_batch_is_still_a_gap()
    {
        var ledger = new AckLedger(sinkSlots: 2);
        var (first, second) = (Send(ledger), Send(ledger));
        var (a, b) = (Parse(first), Parse(second));
        // The quarantine never got the first batch (its actor restarted); it acknowledged the second.
        a.Acknowledge(0);
        b.Acknowledge(0);
        b.Acknowledge(1);

        List<AckGap>? gaps = null;
        ledger.Apply(b, ref gaps);

        Assert.Equal([new AckGap(1, 1, 1)], gaps);
        Assert.True(ledger.LostFrames);
    }

    [Fact]
    public void An_earlier_batch_the_parser_never_saw_is_a_gap_for_every_slot()
    {
        var ledger = new AckLedger(sinkSlots: 2);
        Send(ledger); // lost between the connection and the parser
        var b = Parse(Send(ledger));
        b.Acknowledge(0);
        b.Acknowledge(1);

        List<AckGap>? gaps = null;
        ledger.Apply(b, ref gaps);

        Assert.Equal([new AckGap(0, 1, 1), new AckGap(1, 1, 1)], gaps);
    }

    /// <summary>
    /// Any interleaving of sinks that each take the batches in order, set their bit and tell the owner, with the owner
    /// handling its mailbox in arrival order: never a gap, and every batch released once all messages are in. With one
    /// batch never reaching one sink: a gap for that slot, for that batch's seqs only.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool Sinks_in_order_and_an_owner_in_arrival_order_never_see_a_gap_unless_a_batch_was_lost(int seed, bool loseOne)
    {
        var random = new Random(seed);
        int sinks = random.Next(1, 4);
        int batches = random.Next(1, 12);
        var route = new SourceRoute([.. Enumerable.Repeat(ActorRefs.Nobody, sinks)], [.. Enumerable.Repeat(true, sinks)],
            [.. Enumerable.Repeat(false, sinks)]);
        var ledger = new AckLedger(sinks);
        var sent = new List<ParsedBatch>();
        for (int i = 0; i < batches; i++) sent.Add(Send(ledger).Parsed(PayloadFormat.Text, null, null, route));
        (int Slot, int Batch) lost = loseOne ? (random.Next(sinks), random.Next(batches)) : (-1, -1);

        var next = new int[sinks];
        var mailbox = new Queue<ParsedBatch>();
        var gaps = new List<AckGap>();
        while (next.Any(n => n < batches) || mailbox.Count > 0)
        {
            int sink = random.Next(sinks + 1);
            if (sink < sinks && next[sink] < batches)
            {
                int batch = next[sink]++;
                if ((sink, batch) == lost) continue; // never reached this sink
                sent[batch].Acknowledge(sink);
                mailbox.Enqueue(sent[batch]);
            }
            else if (mailbox.Count > 0)
            {
                List<AckGap>? found = null;
                var ack = mailbox.Dequeue();
                ledger.Apply(ack, ref found);
                if (found is not null) gaps.AddRange(found);
                while (ledger.TryRelease(out var released)) released.Release();
                ack.Returned();
            }
        }

        if (!loseOne) return gaps.Count == 0 && !ledger.LostFrames && ledger.AckedByAll == batches && ledger.PinnedBytes == 0;
        // A lost batch that was the last one is never followed by an acknowledgement from that slot: no gap to see.
        var expected = lost.Batch == batches - 1 ? [] : new[] { new AckGap(lost.Slot, lost.Batch + 1, lost.Batch + 1) };
        return gaps.SequenceEqual(expected) && ledger.LostFrames == (expected.Length > 0);
    }

    private static FrameBatch Send(AckLedger ledger)
    {
        var buffer = BatchBuffers.Bytes.Rent(16);
        var slices = BatchBuffers.Slices.Rent(1);
        slices[0] = new FrameSpan(0, 4);
        var batch = FrameBatch.Rent(Connection, ledger.NextSeq, DateTime.UtcNow, buffer, slices, 1, null);
        ledger.Sent(batch);
        return batch;
    }

    private static ParsedBatch Parse(FrameBatch batch) => batch.Parsed(PayloadFormat.Text, null, null, TwoSinks);
}
