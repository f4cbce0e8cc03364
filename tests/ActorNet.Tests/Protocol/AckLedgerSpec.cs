using ActorNet.Framing;
using ActorNet.Protocol;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Protocol;

public sealed class AckLedgerSpec
{
    private static readonly ConnectionInfo Info = new("src", 1, "127.0.0.1:1");

    [Fact]
    public void Acknowledgements_from_every_slot_release_batches_oldest_first_and_only_then()
    {
        var ledger = new AckLedger(sinkSlots: 2);
        var first = Batch(ledger, 3);
        var second = Batch(ledger, 2);

        Assert.Null(ledger.Acknowledge(0, 1, 5));
        Assert.False(ledger.TryRelease(out _));
        Assert.Equal(5, ledger.Inflight);
        Assert.Null(ledger.Acknowledge(1, 1, 3));

        Assert.True(ledger.TryRelease(out var released));
        Assert.Same(first, released);
        Assert.False(ledger.TryRelease(out _));
        Assert.Equal(2, ledger.Inflight);
        Assert.Equal(second.HeldBytes, ledger.PinnedBytes);
    }

    [Fact]
    public void A_slot_that_skips_seqs_reveals_a_gap_and_no_ack_is_allowed_after_it()
    {
        var ledger = new AckLedger(sinkSlots: 1);
        Batch(ledger, 3);
        Batch(ledger, 3);
        Assert.Null(ledger.Acknowledge(0, 1, 3));
        Assert.Equal(3, ledger.Commit(0, 3));
        ledger.AckWritten(3);

        Batch(ledger, 2);
        var gap = ledger.Acknowledge(0, 7, 8);

        Assert.Equal(new AckGap(0, 4, 6), gap);
        Assert.True(ledger.LostFrames);
        Assert.Equal(0, ledger.Commit(0, 8));
        Assert.Equal(3, ledger.LastAckSent);
        Assert.Throws<InvalidOperationException>(() => ledger.AckWritten(8));
    }

    [Fact]
    public void A_commit_never_counts_past_what_its_slot_acknowledged_and_a_stale_one_changes_nothing()
    {
        var ledger = new AckLedger(sinkSlots: 2);
        Batch(ledger, 10);
        ledger.Acknowledge(0, 1, 4);
        ledger.Acknowledge(1, 1, 10);

        Assert.Equal(0, ledger.Commit(1, 10));
        Assert.Equal(4, ledger.Commit(0, 10));
        Assert.Equal(4, ledger.CommittedBy(0));
        ledger.AckWritten(4);
        Assert.Equal(0, ledger.Commit(0, 2));
        Assert.Null(ledger.Acknowledge(0, 1, 3));
        Assert.Equal(4, ledger.AckedBy(0));
    }

    [Fact]
    public void A_batch_out_of_seq_order_is_refused()
    {
        var ledger = new AckLedger(sinkSlots: 1);
        Batch(ledger, 2);
        Assert.Throws<InvalidOperationException>(() => ledger.Sent(new FrameBatch(Info, 5, DateTime.UtcNow, new byte[8], new FrameSpan[1], 1, null)));
    }

    /// <summary>
    /// Batches sent, then acknowledged and committed by each slot in order, at random moments and interleavings,
    /// some batches lost on the way to a slot (a restarted sink's mailbox head): the ledger reports exactly the
    /// gaps there were, never allows ACK n past what every slot committed nor after a gap, lets ACK n only grow,
    /// releases each batch once, oldest first, exactly when every slot acknowledged it, and counts in-flight frames
    /// and pinned bytes exactly.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Whatever_the_interleaving_acks_never_pass_a_gap_or_a_commit_and_every_batch_is_released_once()
    {
        var scenarios =
            from slots in Gen.Choose(1, 3)
            from sizes in Gen.NonEmptyListOf(Gen.Choose(1, 5))
            from steps in Gen.ListOf(Gen.Choose(0, 99))
            from lost in Gen.ListOf(Gen.Choose(0, 49))
            select (Slots: slots, Sizes: sizes.ToArray(), Steps: steps.ToArray(), Lost: lost.ToHashSet());

        return Prop.ForAll(scenarios.ToArbitrary(), s =>
        {
            var ledger = new AckLedger(s.Slots);
            var model = new Model(s.Slots);
            var random = new Random(s.Steps.Length * 31 + s.Sizes.Length);
            var next = 0;
            // The random steps, then enough to finish: every batch sent (60+), every slot acknowledging (30+) and
            // committing (0+) all it was sent.
            var finish = Enumerable.Repeat(99, s.Sizes.Length)
                .Concat(Enumerable.Range(0, s.Sizes.Length * s.Slots).Select(i => 30 + i % s.Slots))
                .Concat(Enumerable.Range(0, s.Slots));
            foreach (var step in s.Steps.Concat(finish))
            {
                var slot = step % s.Slots;
                if (step >= 60 && next < s.Sizes.Length)
                {
                    var batch = Batch(ledger, s.Sizes[next]);
                    // A lost batch never reaches one slot (the first), as after a sink restart.
                    model.Sent(batch, lostToSlot0: s.Lost.Contains(next));
                    next++;
                }
                else if (step >= 30 && model.Pending(slot) is { } toAck)
                {
                    var expectedGap = model.ExpectedGap(slot, toAck.First);
                    model.Acked(slot);
                    Assert.Equal(expectedGap, ledger.Acknowledge(slot, toAck.First, toAck.Last));
                    while (ledger.TryRelease(out var released)) model.Released(released);
                    if (model.Unreleased.Count > 0) Assert.True(model.Unreleased[0].LastSeq > model.AckedBy.Min(), "a batch every slot acknowledged was kept");
                }
                else
                {
                    var n = ledger.Commit(slot, model.AckedBy[slot]);
                    model.Committed[slot] = Math.Max(model.Committed[slot], model.AckedBy[slot]);
                    var committedByAll = model.Committed.Min();
                    if (n != 0)
                    {
                        Assert.False(model.GapSeen, "an ACK after a gap");
                        Assert.Equal(committedByAll, n);
                        Assert.True(n > ledger.LastAckSent);
                        ledger.AckWritten(n);
                    }
                    else Assert.True(model.GapSeen || committedByAll <= ledger.LastAckSent, $"no ACK though {committedByAll} committed by all");
                }
                Assert.Equal(model.SentUpTo - model.AckedBy.Min(), ledger.Inflight);
                Assert.Equal(model.Unreleased.Sum(b => (long)b.HeldBytes), ledger.PinnedBytes);
                Assert.True(ledger.LastAckSent <= model.Committed.Min());
            }
            Assert.Equal(s.Sizes.Sum(), ledger.NextSeq - 1);
            // Only batches after the last one slot 0 acknowledged can stay pinned: lost to it, with nothing after them
            // to reveal the gap (the connection holds them until it closes).
            if (!s.Lost.Any(i => i < s.Sizes.Length)) Assert.Empty(model.Unreleased);
            Assert.All(model.Unreleased, b => Assert.True(b.FirstSeq > model.AckedBy[0], $"batch {b.FirstSeq}..{b.LastSeq} kept"));
            Assert.Equal(model.GapSeen, ledger.LostFrames);
        });
    }

    [Fact]
    public void A_ledger_that_continues_a_file_numbers_on_from_its_checkpoint_with_no_gap()
    {
        var ledger = new AckLedger(sinkSlots: 2, firstSeq: 101);

        var batch = Batch(ledger, 3);

        Assert.Equal(101, batch.FirstSeq);
        Assert.Equal(3, ledger.Inflight);
        Assert.Null(ledger.Acknowledge(0, 101, 103));
        Assert.Null(ledger.Acknowledge(1, 101, 103));
        Assert.Equal(0, ledger.Commit(0, 103));
        Assert.Equal(103, ledger.Commit(1, 103));
    }

    private static FrameBatch Batch(AckLedger ledger, int frames)
    {
        var batch = new FrameBatch(Info, ledger.NextSeq, DateTime.UtcNow, new byte[16 * frames], new FrameSpan[frames], frames, null);
        ledger.Sent(batch);
        return batch;
    }

    /// <summary>What each slot has been sent and acknowledged, in seq order, as the sinks would see it.</summary>
    private sealed class Model(int slots)
    {
        private readonly Queue<(long First, long Last)>[] _toAck = Enumerable.Range(0, slots).Select(_ => new Queue<(long, long)>()).ToArray();

        public long[] AckedBy { get; } = new long[slots];
        public long[] Committed { get; } = new long[slots];
        public long SentUpTo { get; private set; }
        public bool GapSeen { get; private set; }
        public List<FrameBatch> Unreleased { get; } = [];

        public void Sent(FrameBatch batch, bool lostToSlot0)
        {
            SentUpTo = batch.LastSeq;
            Unreleased.Add(batch);
            for (var slot = 0; slot < _toAck.Length; slot++)
                if (!(lostToSlot0 && slot == 0)) _toAck[slot].Enqueue((batch.FirstSeq, batch.LastSeq));
        }

        public (long First, long Last)? Pending(int slot) => _toAck[slot].TryPeek(out var next) ? next : null;

        public AckGap? ExpectedGap(int slot, long first) => first > AckedBy[slot] + 1 ? new AckGap(slot, AckedBy[slot] + 1, first - 1) : null;

        public void Acked(int slot)
        {
            var (first, last) = _toAck[slot].Dequeue();
            if (first > AckedBy[slot] + 1) GapSeen = true;
            AckedBy[slot] = last;
        }

        public void Released(FrameBatch batch)
        {
            Assert.Same(Unreleased[0], batch);
            Assert.True(batch.LastSeq <= AckedBy.Min(), $"batch up to {batch.LastSeq} released with {AckedBy.Min()} acknowledged by all");
            Unreleased.RemoveAt(0);
        }
    }
}
