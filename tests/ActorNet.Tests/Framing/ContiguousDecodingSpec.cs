using System.Buffers;
using System.Text;
using ActorNet.Framing;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Framing;

/// <summary>
/// The contiguous and bulk paths (what connections use) must cut exactly what the sequence path cuts.
/// </summary>
public sealed class ContiguousDecodingSpec
{
    [Property(MaxTest = 300)]
    public bool The_bulk_and_contiguous_paths_cut_the_same_frames_as_the_sequence_path(string[] lines, byte max)
    {
        var maxFrameLength = Math.Max(1, (int)max);
        var bytes = Encoding.UTF8.GetBytes(string.Concat((lines ?? []).Select(l => (l ?? "").Replace("\n", "") + "\n")));
        return Describe(Sequence(new DelimiterFrameDecoder("\n"u8.ToArray(), maxFrameLength), bytes))
            == Describe(Contiguous(new DelimiterFrameDecoder("\n"u8.ToArray(), maxFrameLength), bytes));
    }

    [Property(MaxTest = 300)]
    public bool The_length_field_bulk_path_cuts_the_same_frames_as_the_sequence_path(byte[][] payloads, bool bigEndian)
    {
        var encoder = new LengthFieldFrameDecoder(0, 2, bigEndian, 0, 2, 300);
        var stream = new List<byte>();
        foreach (var payload in payloads ?? [])
        {
            var p = (payload ?? []).Take(250).ToArray();
            var framed = new byte[encoder.GetEncodedLength(p.Length)];
            encoder.Encode(p, framed);
            stream.AddRange(framed);
        }
        stream.AddRange(new byte[] { 0xFF, 0xFF, 1 }); // a length over the limit ends the stream: Fatal on both paths
        var bytes = stream.ToArray();
        return Describe(Sequence(new LengthFieldFrameDecoder(0, 2, bigEndian, 0, 2, 300), bytes))
            == Describe(Contiguous(new LengthFieldFrameDecoder(0, 2, bigEndian, 0, 2, 300), bytes));
    }

    [Fact]
    public void The_bulk_path_stops_before_a_frame_over_the_limit_and_leaves_it_to_the_general_path()
    {
        var decoder = new DelimiterFrameDecoder("\n"u8.ToArray(), 3);
        var frames = new FrameSpan[8];
        var cut = decoder.DecodeFrames("ab\nabcd\ncd\n"u8, frames, out var consumed);
        Assert.Equal(1, cut);
        Assert.Equal(3, consumed);
        Assert.Equal(new FrameSpan(0, 2), frames[0]);
    }

    [Fact]
    public void A_length_field_frame_cut_on_the_contiguous_path_is_the_sequence_paths_frame()
    {
        var decoder = new LengthFieldFrameDecoder(1, 2, bigEndian: false, lengthAdjustment: 0, initialBytesToStrip: 3, maxFrameLength: 64);
        byte[] bytes = [9, 3, 0, (byte)'a', (byte)'b', (byte)'c', 9, 1];
        var status = decoder.Decode(bytes.AsMemory(), out var start, out var length, out var consumed, out _);
        Assert.Equal(DecodeStatus.Frame, status);
        Assert.Equal((3, 3, 6), (start, length, consumed));
        Assert.Equal(DecodeStatus.NeedMoreData, decoder.Decode(bytes.AsMemory(6), out _, out _, out _, out _));
    }

    private static List<(DecodeStatus, string)> Sequence(IFrameDecoder decoder, byte[] bytes)
    {
        var results = new List<(DecodeStatus, string)>();
        var buffer = new ReadOnlySequence<byte>(bytes);
        while (true)
        {
            var status = decoder.Decode(ref buffer, out var frame, out _);
            if (status is DecodeStatus.NeedMoreData or DecodeStatus.Fatal) return results;
            results.Add((status, Convert.ToHexString(frame.ToArray())));
        }
    }

    private static List<(DecodeStatus, string)> Contiguous(IFrameDecoder decoder, byte[] bytes)
    {
        var results = new List<(DecodeStatus, string)>();
        var position = 0;
        var frames = new FrameSpan[4];
        while (true)
        {
            var cut = decoder.DecodeFrames(bytes.AsSpan(position), frames, out var bulk);
            for (var i = 0; i < cut; i++)
                results.Add((DecodeStatus.Frame, Convert.ToHexString(bytes.AsSpan(position + frames[i].Offset, frames[i].Length))));
            position += bulk;
            var status = decoder.Decode(bytes.AsMemory(position), out var start, out var length, out var consumed, out _);
            if (status is DecodeStatus.NeedMoreData or DecodeStatus.Fatal) return results;
            results.Add((status, Convert.ToHexString(bytes.AsSpan(position + start, length))));
            position += consumed;
        }
    }

    private static string Describe(List<(DecodeStatus Status, string Hex)> results) =>
        string.Join(";", results.Select(r => $"{r.Status}:{r.Hex}"));
}
