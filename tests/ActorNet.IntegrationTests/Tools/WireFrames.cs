using System.Buffers.Binary;
using System.Net.Sockets;

namespace ActorNet.IntegrationTests.Tools;

/// <summary>
/// Frames read off a test's socket, cut by hand rather than by ActorNet's decoders, so that the tools are checked
/// against the wire format itself: lines end at "\n"; length-field frames start with a 4-byte big-endian length.
/// </summary>
public sealed class WireFrames(Socket socket, string framing)
{
    private readonly List<byte> _pending = [];

    /// <summary>Bytes read but not yet part of a whole frame.</summary>
    public IReadOnlyList<byte> Pending => _pending;

    public static byte[] Encode(string framing, byte[] payload)
    {
        if (framing == "lines") return [.. payload, (byte)'\n'];
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        return frame;
    }

    /// <summary>The next frame's payload; fails if none is whole within <paramref name="within"/> or the peer closes first.</summary>
    public async Task<byte[]> ReadAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[4096];
        while (true)
        {
            if (TryCut(out var payload)) return payload;
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"no whole {framing} frame within {within.TotalSeconds:0.###} s ({_pending.Count} byte(s) pending)");
            }
            if (read == 0) throw new EndOfStreamException($"the peer closed the connection ({_pending.Count} byte(s) pending)");
            _pending.AddRange(buffer.AsSpan(0, read));
        }
    }

    /// <summary>
    /// Reads until the peer ends the connection; returns true for a reset (RST), false for an orderly close (FIN).
    /// Bytes read meanwhile stay in <see cref="Pending"/> (whole frames are cut off first, one at a time).
    /// </summary>
    public async Task<bool> ReadUntilClosedAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                _pending.AddRange(buffer.AsSpan(0, read));
                while (TryCut(out _))
                {
                }
            }
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"the peer did not close the connection within {within.TotalSeconds:0.###} s");
        }
    }

    private bool TryCut(out byte[] payload)
    {
        payload = [];
        if (framing == "lines")
        {
            var end = _pending.IndexOf((byte)'\n');
            if (end < 0) return false;
            payload = _pending.GetRange(0, end).ToArray();
            _pending.RemoveRange(0, end + 1);
            return true;
        }
        if (_pending.Count < 4) return false;
        var length = BinaryPrimitives.ReadInt32BigEndian(_pending.GetRange(0, 4).ToArray());
        if (_pending.Count < 4 + length) return false;
        payload = _pending.GetRange(4, length).ToArray();
        _pending.RemoveRange(0, 4 + length);
        return true;
    }
}
