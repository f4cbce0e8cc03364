using System.Text;
using ActorNet.Connections;
using ActorNet.Framing;
using ActorNet.Protocol;
using Xunit;

namespace ActorNet.Tests.Connections;

public sealed class OutgoingFramesSpec
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    [Fact]
    public void A_configured_payload_that_already_ends_with_the_delimiter_is_not_given_a_second_one()
    {
        var outgoing = new OutgoingFrames(new DelimiterFrameDecoder(Newline, 1024), Newline, limit: 1024);

        Assert.True(outgoing.TryEnqueue("PING\n"u8, out _));
        Assert.True(outgoing.TryEnqueue("LOGIN demo"u8, out _));

        Assert.Equal(["PING\n", "LOGIN demo\n"], Drain(outgoing));
    }

    [Fact]
    public void A_payload_for_length_field_framing_gets_its_header()
    {
        var outgoing = new OutgoingFrames(new LengthFieldFrameDecoder(0, 4, true, 0, 4, 1024), delimiter: null, limit: 1024);

        Assert.True(outgoing.TryEnqueue("PING\n"u8, out _));

        Assert.True(outgoing.TryTakeNext(out var buffer, out var count));
        Assert.Equal(new byte[] { 0, 0, 0, 5, (byte)'P', (byte)'I', (byte)'N', (byte)'G', (byte)'\n' }, buffer.AsSpan(0, count).ToArray());
    }

    [Fact]
    public void Writes_past_the_limit_are_refused_with_a_reason_until_the_queue_drains()
    {
        var outgoing = new OutgoingFrames(new DelimiterFrameDecoder(Newline, 1024), Newline, limit: 10);

        Assert.True(outgoing.TryEnqueue("0123456789"u8, out _));
        Assert.True(outgoing.IsOverLimit);
        Assert.False(outgoing.TryEnqueue("x"u8, out var error));
        Assert.Contains("11 bytes are already waiting", error);

        Assert.True(outgoing.TryTakeNext(out var buffer, out var count));
        outgoing.Completed(buffer, count);
        Assert.False(outgoing.IsOverLimit);
        Assert.True(outgoing.TryEnqueue("x"u8, out _));
    }

    [Fact]
    public void A_payload_that_cannot_be_framed_is_refused_with_the_framings_reason()
    {
        var outgoing = new OutgoingFrames(new DelimiterFrameDecoder(Newline, 4), Newline, limit: 1024);

        Assert.False(outgoing.TryEnqueue("far too long"u8, out var error));
        Assert.Contains("max-frame-length", error);
        Assert.Equal(0, outgoing.PendingBytes);
    }

    [Fact]
    public void An_echo_writes_back_every_accepted_frame_of_a_read_and_skips_rejected_ones()
    {
        var outgoing = new OutgoingFrames(new DelimiterFrameDecoder(Newline, 1024), Newline, limit: 1024);
        var buffer = "onetwothree"u8.ToArray();
        FrameSpan[] slices = [new(0, 3), default, new(3, 3), new(6, 5)];
        var rejected = new RejectedFrame("frame-too-long", "too long", Array.Empty<byte>(), 5000);
        var batch = new FrameBatch(new ConnectionInfo("s", 1, "127.0.0.1:1"), 1, DateTime.UtcNow, buffer, slices, 4,
            [null, rejected, null, null]);

        outgoing.EnqueueEcho(batch);

        Assert.Equal(["one\ntwo\nthree\n"], Drain(outgoing));
    }

    [Fact]
    public void Held_bytes_count_whole_rented_buffers_until_their_write_completes()
    {
        var outgoing = new OutgoingFrames(new DelimiterFrameDecoder(Newline, 1024), Newline, limit: 1024);

        Assert.True(outgoing.TryEnqueue("PING"u8, out _));
        Assert.True(outgoing.TryTakeNext(out var buffer, out var count));
        Assert.Equal(buffer.Length, outgoing.HeldBytes);
        Assert.True(outgoing.HeldBytes >= count);

        outgoing.Completed(buffer, count);
        Assert.Equal(0, outgoing.HeldBytes);
        Assert.Equal(0, outgoing.PendingBytes);
    }

    [Fact]
    public void The_completion_of_a_write_it_did_not_start_changes_no_count()
    {
        // A write started by a failed incarnation of the connection actor completes into the next one.
        var outgoing = new OutgoingFrames(new DelimiterFrameDecoder(Newline, 1024), Newline, limit: 1024);
        Assert.True(outgoing.TryEnqueue("PING"u8, out _));

        outgoing.Completed(new byte[64], 5);

        Assert.Equal(5, outgoing.PendingBytes);
        Assert.True(outgoing.HeldBytes >= 5);
    }

    private static List<string> Drain(OutgoingFrames outgoing)
    {
        var written = new List<string>();
        while (outgoing.TryTakeNext(out var buffer, out var count))
        {
            written.Add(Encoding.ASCII.GetString(buffer, 0, count));
            outgoing.Completed(buffer, count);
        }
        Assert.Equal(0, outgoing.PendingBytes);
        return written;
    }
}
