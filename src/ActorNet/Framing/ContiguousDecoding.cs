using System.Buffers;

namespace ActorNet.Framing;

/// <summary>Runs a decoder's sequence-based <see cref="IFrameDecoder.Decode(ref ReadOnlySequence{byte}, out ReadOnlySequence{byte}, out FrameError)"/> over contiguous memory.</summary>
public static class ContiguousDecoding
{
    public static DecodeStatus ViaSequence(IFrameDecoder decoder, ReadOnlyMemory<byte> buffer, out int frameStart, out int frameLength,
        out int consumed, out FrameError error)
    {
        var whole = new ReadOnlySequence<byte>(buffer);
        var rest = whole;
        var status = decoder.Decode(ref rest, out var frame, out error);
        consumed = (int)(whole.Length - rest.Length);
        if (frame.IsEmpty)
        {
            frameStart = consumed;
            frameLength = 0;
        }
        else
        {
            // One segment: positions are indices into the same backing store, so their difference is the offset.
            frameStart = frame.Start.GetInteger() - whole.Start.GetInteger();
            frameLength = (int)frame.Length;
        }
        return status;
    }
}
