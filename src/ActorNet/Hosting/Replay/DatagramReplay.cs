using ActorNet.Configuration;
using ActorNet.Connections.Udp;
using ActorNet.Protocol;

namespace ActorNet.Hosting.Replay;

/// <summary>
/// The framing of a recorded udp peer: each recorded read is one datagram, cut on its own by the same
/// <see cref="UdpFrameCutter"/> as the live source (a frame never spans datagrams, a partial frame at a datagram's end
/// is quarantined as truncated), so a replay yields the records the live source stored. A recorded datagram that
/// filled its slot was longer than accepted and is quarantined again; its length is known only as the recorded one
/// (the live error could name the length the kernel reported).
/// </summary>
internal sealed class DatagramReplay
{
    private readonly UdpFrameCutter _cutter;
    private readonly UdpChunk _chunk;
    private readonly int[] _one = [0];

    public DatagramReplay(SourceSettings settings)
    {
        _cutter = new UdpFrameCutter(settings.Framing, settings.ReadBufferSize, settings.QuarantineRawLimit);
        _chunk = new UdpChunk(_cutter.Slot, _cutter.Slot);
    }

    /// <summary>The batches of one recorded datagram, numbered from <paramref name="nextSeq"/>; added to <paramref name="batches"/>.</summary>
    public void Cut(ReadOnlySpan<byte> datagram, ConnectionInfo info, ref long nextSeq, DateTime at, List<FrameBatch> batches)
    {
        _chunk.Clear();
        var received = Math.Min(datagram.Length, _cutter.Slot);
        datagram[..received].CopyTo(_chunk.NextRoom().Span);
        _chunk.Add(received, ReadOnlySpan<byte>.Empty, sizeBefore: datagram.Length);
        _cutter.Cut(_chunk, _one, info, ref nextSeq, at, batches);
    }
}
