using System.Text;
using ActorNet.Connections;
using ActorNet.Framing;
using ActorNet.Protocol;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Connections;

public sealed class InflightBytesSpec
{
    private static readonly ConnectionInfo Info = new("sensors", 1, "127.0.0.1:50000");

    [Fact]
    public void A_read_may_start_when_it_and_everything_held_fit_in_the_limit()
    {
        var bytes = new InflightBytes(limit: 4096, readBufferSize: 1024);

        bytes.Pin(3072);
        Assert.True(bytes.MayRead(partialBuffer: 0, queuedWrites: 0));
        bytes.Pin(1);
        Assert.False(bytes.MayRead(partialBuffer: 0, queuedWrites: 0));
    }

    [Fact]
    public void A_read_into_the_buffer_already_held_for_the_partial_frame_is_not_charged_again()
    {
        var bytes = new InflightBytes(limit: 4096, readBufferSize: 1024);
        bytes.Pin(3072);

        Assert.True(bytes.MayRead(partialBuffer: 1024, queuedWrites: 0));
        Assert.False(bytes.MayRead(partialBuffer: 1024, queuedWrites: 1));
    }

    [Fact]
    public void Queued_writes_count_against_the_limit()
    {
        var bytes = new InflightBytes(limit: 4096, readBufferSize: 1024);
        bytes.Pin(2048);

        Assert.Equal(2048 + 512 + 1024, bytes.Held(partialBuffer: 512, queuedWrites: 1024));
        Assert.False(bytes.MayRead(partialBuffer: 0, queuedWrites: 1025));
    }

    [Fact]
    public void A_read_buffer_size_is_charged_as_the_pool_rents_it_rounded_up_to_a_power_of_two()
    {
        var bytes = new InflightBytes(limit: 128 * 1024, readBufferSize: 50_000);
        bytes.Pin(64 * 1024);

        Assert.True(bytes.MayRead(0, 0));
        bytes.Pin(1);
        Assert.False(bytes.MayRead(0, 0));
    }

    [Fact]
    public void A_partial_frame_longer_than_the_limit_is_still_read_when_nothing_else_is_held()
    {
        var bytes = new InflightBytes(limit: 4096, readBufferSize: 1024);

        Assert.True(bytes.MayRead(partialBuffer: 1024 * 1024, queuedWrites: 0));
        Assert.True(bytes.MayResume(partialBuffer: 1024 * 1024, queuedWrites: 0));
    }

    [Fact]
    public void Reading_resumes_only_once_at_most_half_the_limit_is_held()
    {
        var bytes = new InflightBytes(limit: 4096, readBufferSize: 1024);
        bytes.Pin(4096);

        bytes.Unpin(2047);
        Assert.False(bytes.MayResume(0, 0));
        bytes.Unpin(1);
        Assert.True(bytes.MayResume(0, 0));
        Assert.Equal(2048, bytes.Pinned);
    }

    /// <summary>
    /// The connection's loop without the actor: a read only when <see cref="InflightBytes.MayRead"/> allows it, each
    /// batch pinned until a sink acknowledges it (in order, at random moments). Whatever the chunking and frame
    /// sizes up to half a read buffer, what is held never exceeds the limit plus one read buffer, the pinned count
    /// is exactly the arrays of unacknowledged batches, reading never stalls with nothing to acknowledge, and every
    /// frame comes out once.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property Whatever_the_reads_held_bytes_stay_within_the_limit_plus_one_read_buffer_and_nothing_is_lost()
    {
        var scenarios =
            from readBufferSize in Gen.Elements(64, 256, 1024)
            from buffersInLimit in Gen.Choose(1, 8)
            from extra in Gen.Choose(0, readBufferSize - 1)
            from lines in Gen.NonEmptyListOf(Gen.Choose(0, readBufferSize / 2 - 1))
            from chunks in Gen.NonEmptyListOf(Gen.Choose(1, 3 * readBufferSize))
            from acks in Gen.NonEmptyListOf(Gen.Elements(true, false))
            select (ReadBufferSize: readBufferSize, Limit: (long)(buffersInLimit * readBufferSize + extra),
                Lines: lines.Select((length, i) => new string((char)('a' + i % 26), length)).ToArray(), Chunks: chunks.ToArray(), Acks: acks.ToArray());

        return Prop.ForAll(scenarios.ToArbitrary(), s =>
        {
            var stream = Encoding.ASCII.GetBytes(string.Concat(s.Lines.Select(l => l + "\n")));
            var bytes = new InflightBytes(s.Limit, s.ReadBufferSize);
            using var cutter = new FrameCutter(new DelimiterFrameDecoder("\n"u8.ToArray(), s.ReadBufferSize / 2), s.ReadBufferSize, 4096);
            var unacknowledged = new Queue<FrameBatch>();
            var received = new List<string>();
            long nextSeq = 1;
            var sent = 0;
            var step = 0;

            while (sent < stream.Length || unacknowledged.Count > 0)
            {
                var wantsAck = s.Acks[step % s.Acks.Length];
                var mayRead = sent < stream.Length && bytes.MayRead(cutter.BufferBytes, 0);
                if (mayRead && !(wantsAck && unacknowledged.Count > 0))
                {
                    var (buffer, offset, room) = cutter.PrepareReceive();
                    var count = Math.Min(Math.Min(room, s.Chunks[step % s.Chunks.Length]), stream.Length - sent);
                    stream.AsSpan(sent, count).CopyTo(buffer.AsSpan(offset));
                    sent += count;
                    if (cutter.Cut(buffer, offset, count, Info, ref nextSeq, DateTime.UtcNow, out var fatal) is { } batch)
                    {
                        unacknowledged.Enqueue(batch);
                        bytes.Pin(batch.HeldBytes);
                        for (var i = 0; i < batch.Count; i++) received.Add(Encoding.ASCII.GetString(batch.FrameBytes(i)));
                    }
                    Assert.False(fatal);
                    var held = bytes.Held(cutter.BufferBytes, 0);
                    Assert.True(held <= s.Limit + s.ReadBufferSize, $"held {held} > limit {s.Limit} + read buffer {s.ReadBufferSize}");
                }
                else if (unacknowledged.Count > 0)
                {
                    var oldest = unacknowledged.Dequeue();
                    oldest.Release();
                    bytes.Unpin(oldest.HeldBytes);
                }
                else
                {
                    Assert.Fail($"stalled with nothing pinned: {sent} of {stream.Length} bytes read, partial buffer {cutter.BufferBytes}");
                }
                Assert.Equal(unacknowledged.Sum(b => (long)b.HeldBytes), bytes.Pinned);
                step++;
            }

            Assert.Equal(0, bytes.Pinned);
            Assert.Equal(s.Lines, received);
        });
    }

    /// <summary>
    /// The same loop with adaptive read sizes, as the connection actor runs it: before each read it reserves the
    /// buffer the read rents (<see cref="FrameCutter.NextRentBytes"/>) plus one of read-buffer-size for the partial
    /// frame's move (or the copy of small frames), and with frames of at most half a read-buffer-size a read must never
    /// add more than that to what is held (the process budget counts on it). Held bytes stay within the limit plus one read-buffer-size, and every frame comes out once.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property With_adaptive_read_sizes_a_read_never_adds_more_than_its_reservation()
    {
        var scenarios =
            from readBufferSize in Gen.Elements(256, 1024, 4096)
            from minReadBufferSize in Gen.Elements(64, 128, 256)
            from buffersInLimit in Gen.Choose(1, 8)
            from lines in Gen.NonEmptyListOf(Gen.Choose(0, 100))
            from chunks in Gen.NonEmptyListOf(Gen.OneOf(Gen.Choose(1, 40), Gen.Choose(1, 3 * readBufferSize)))
            from acks in Gen.NonEmptyListOf(Gen.Elements(true, false))
            select (ReadBufferSize: readBufferSize, MinReadBufferSize: minReadBufferSize, Limit: (long)(buffersInLimit * readBufferSize),
                Lines: lines.Select((length, i) => new string((char)('a' + i % 26), length)).ToArray(), Chunks: chunks.ToArray(), Acks: acks.ToArray());

        return Prop.ForAll(scenarios.ToArbitrary(), s =>
        {
            var stream = Encoding.ASCII.GetBytes(string.Concat(s.Lines.Select(l => l + "\n")));
            var bytes = new InflightBytes(s.Limit, s.ReadBufferSize);
            using var cutter = new FrameCutter(new DelimiterFrameDecoder("\n"u8.ToArray(), 128), s.ReadBufferSize, 4096, s.MinReadBufferSize);
            var unacknowledged = new Queue<FrameBatch>();
            var received = new List<string>();
            long nextSeq = 1;
            var sent = 0;
            var step = 0;

            while (sent < stream.Length || unacknowledged.Count > 0)
            {
                var wantsAck = s.Acks[step % s.Acks.Length];
                var mayRead = sent < stream.Length && bytes.MayRead(cutter.BufferBytes, 0, cutter.NextRentBytes);
                if (mayRead && !(wantsAck && unacknowledged.Count > 0))
                {
                    var heldBefore = bytes.Held(cutter.BufferBytes, 0);
                    var reserved = (long)cutter.NextRentBytes + bytes.ReadBuffer;
                    var (buffer, offset, room) = cutter.PrepareReceive();
                    var count = Math.Min(Math.Min(room, s.Chunks[step % s.Chunks.Length]), stream.Length - sent);
                    stream.AsSpan(sent, count).CopyTo(buffer.AsSpan(offset));
                    sent += count;
                    if (cutter.Cut(buffer, offset, count, Info, ref nextSeq, DateTime.UtcNow, out var fatal) is { } batch)
                    {
                        unacknowledged.Enqueue(batch);
                        bytes.Pin(batch.HeldBytes);
                        for (var i = 0; i < batch.Count; i++) received.Add(Encoding.ASCII.GetString(batch.FrameBytes(i)));
                    }
                    Assert.False(fatal);
                    var held = bytes.Held(cutter.BufferBytes, 0);
                    Assert.True(held - heldBefore <= reserved, $"a read added {held - heldBefore} bytes, {reserved} reserved");
                    Assert.True(held <= s.Limit + s.ReadBufferSize, $"held {held} > limit {s.Limit} + read buffer {s.ReadBufferSize}");
                    Assert.InRange(cutter.ReadSize, s.MinReadBufferSize, s.ReadBufferSize);
                }
                else if (unacknowledged.Count > 0)
                {
                    var oldest = unacknowledged.Dequeue();
                    oldest.Release();
                    bytes.Unpin(oldest.HeldBytes);
                }
                else
                {
                    Assert.Fail($"stalled with nothing pinned: {sent} of {stream.Length} bytes read, partial buffer {cutter.BufferBytes}");
                }
                Assert.Equal(unacknowledged.Sum(b => (long)b.HeldBytes), bytes.Pinned);
                step++;
            }

            Assert.Equal(0, bytes.Pinned);
            Assert.Equal(s.Lines, received);
        });
    }
}
