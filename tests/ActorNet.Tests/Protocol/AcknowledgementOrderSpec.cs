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
