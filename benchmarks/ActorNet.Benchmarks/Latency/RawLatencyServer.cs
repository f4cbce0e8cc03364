using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using ActorNet.Benchmarks.Ceiling;

namespace ActorNet.Benchmarks.Latency;

/// <summary>
/// The latency mode's baseline: <c>e2e</c>'s raw ceiling (one async loop per connection over a zero-byte-read
/// <see cref="PipeReader"/>, 64 KiB reads) that reads each line's send stamp as the read completes. No actor, no
/// parser, no sink: its CPU per frame is what taking these reads off these sockets costs in .NET on this machine, and
/// its send→read tail is what the machine adds before any server work. Its read→"sink" is the loop's own time from the
/// read's completion to the end of its lines, so near zero by construction.
/// </summary>
public sealed class RawLatencyServer : ILatencyServer
{
    private readonly Lock _recording = new();
    private readonly RawAcceptLoop _connections;

    public RawLatencyServer()
    {
        _connections = new RawAcceptLoop(ServeAsync);
    }

    public string Name => "raw";

    public IPEndPoint EndPoint => _connections.EndPoint;

    public LatencyRecorder Recorder { get; } = new();

    /// <summary>Idempotent: the phase disposes it once it has read the figures, and its <c>await using</c> again.</summary>
    public ValueTask DisposeAsync() => _connections.DisposeAsync();

    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        var reader = RawAcceptLoop.Reader(socket);
        try
        {
            while (true)
            {
                ReadResult read = await reader.ReadAsync(stopping).ConfigureAwait(false);
                DateTime readAt = DateTime.UtcNow;
                ReadOnlySequence<byte> buffer = read.Buffer;
                Record(ref buffer, readAt);
                reader.AdvanceTo(buffer.Start, read.Buffer.End);
                if (read.IsCompleted || read.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
            // Stopping, or the peer reset the connection: this connection is done and its lines are counted.
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Records every whole line of <paramref name="buffer"/> and leaves it at the start of the partial one.</summary>
    private void Record(ref ReadOnlySequence<byte> buffer, DateTime readAt)
    {
        // One lock per read, not per line: the recorder's histograms have one writer at a time.
        lock (_recording)
        {
            long now = Stopwatch.GetTimestamp();
            bool steady = now >= Recorder.SteadyFrom;
            int lines = 0;
            int unstamped = 0;
            Span<byte> copy = stackalloc byte[64];
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                ReadOnlySequence<byte> line = buffer.Slice(0, end);
                buffer = buffer.Slice(buffer.GetPosition(1, end));
                lines++;
                ReadOnlySpan<byte> head = line.IsSingleSegment || line.FirstSpan.Length >= copy.Length
                    ? line.FirstSpan
                    : Head(line, copy);
                if (SendStamp.TryRead(head, out long sentAt))
                {
                    Recorder.RecordSendToSink(now - sentAt, steady);
                }
                else
                {
                    unstamped++;
                }
            }

            Recorder.RecordReadToSink((DateTime.UtcNow - readAt).Ticks * 100, lines, steady, now);
            Recorder.AddFrames(lines, unstamped, now);
        }
    }

    private static ReadOnlySpan<byte> Head(ReadOnlySequence<byte> line, Span<byte> copy)
    {
        int length = (int)Math.Min(copy.Length, line.Length);
        line.Slice(0, length).CopyTo(copy);
        return copy[..length];
    }
}
