using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.Ceiling;

/// <summary>
/// The ceiling: the least a .NET server must do to take frames off loopback sockets. One async loop per
/// connection reads through a <see cref="PipeReader"/> and counts frames in place, with no per-frame allocation,
/// no copy, no actor and no sink. Whatever ActorNet does on top (mailboxes, owned frame copies, parsing,
/// back-pressure) shows up as the gap between this and ActorNet.
/// <para>
/// Lines are counted with a vectorised <c>Count('\n')</c> over each buffer, so a line split between reads needs
/// no state: its <c>'\n'</c> arrives exactly once. Length-field frames are walked header by header, skipping
/// payloads; a frame counts once its last payload byte has arrived.
/// </para>
/// </summary>
public sealed class RawFrameCounter : ICountingServer
{

    private readonly WireFraming _framing;
    private readonly int _maxFrameLength;
    private readonly RawAcceptLoop _connections;
    private long _frames;
    private long _protocolErrors;

    /// <summary>Starts listening on 127.0.0.1 at a port the OS picks.</summary>
    /// <param name="framing">How to count frames.</param>
    /// <param name="maxFrameLength">Largest length-field payload accepted; a larger or negative one closes the connection.</param>
    public RawFrameCounter(WireFraming framing, int maxFrameLength)
    {
        _framing = framing;
        _maxFrameLength = maxFrameLength;
        _connections = new RawAcceptLoop(ServeAsync);
    }

    public string Name => "raw";

    public IPEndPoint EndPoint => _connections.EndPoint;

    public long FramesReceived => Interlocked.Read(ref _frames);

    public long ConnectionsActive => _connections.Active;

    public long ConnectionsAccepted => _connections.Accepted;

    /// <summary>Connections closed because a length field was negative or over the maximum.</summary>
    public long Rejections => Interlocked.Read(ref _protocolErrors);

    public ValueTask DisposeAsync() => _connections.DisposeAsync();

    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        var reader = RawAcceptLoop.Reader(socket);
        try
        {
            if (_framing == WireFraming.Lines)
            {
                await CountLinesAsync(reader, stopping).ConfigureAwait(false);
            }
            else
            {
                await CountLengthFieldFramesAsync(reader, stopping).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
            // Stopping, or the peer reset the connection: either way this connection is done and its frames are counted.
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task CountLinesAsync(PipeReader reader, CancellationToken stopping)
    {
        while (true)
        {
            ReadResult read = await reader.ReadAsync(stopping).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = read.Buffer;
            long lines = 0;
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                lines += segment.Span.Count((byte)'\n');
            }

            if (lines > 0)
            {
                Interlocked.Add(ref _frames, lines);
            }

            reader.AdvanceTo(buffer.End);
            if (read.IsCompleted || read.IsCanceled)
            {
                return;
            }
        }
    }

    private async Task CountLengthFieldFramesAsync(PipeReader reader, CancellationToken stopping)
    {
        long payloadLeft = 0;
        bool inPayload = false;
        while (true)
        {
            ReadResult read = await reader.ReadAsync(stopping).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = read.Buffer;
            if (!TryCountFrames(ref buffer, ref inPayload, ref payloadLeft, out long frames))
            {
                Interlocked.Increment(ref _protocolErrors);
                return;
            }

            if (frames > 0)
            {
                Interlocked.Add(ref _frames, frames);
            }

            // Consumed up to the last whole header or payload byte; an incomplete header stays for the next read.
            reader.AdvanceTo(buffer.Start, read.Buffer.End);
            if (read.IsCompleted || read.IsCanceled)
            {
                return;
            }
        }
    }

    /// <summary>Walks headers and skips payloads; false on a length outside 0 .. max-frame-length.</summary>
    private bool TryCountFrames(ref ReadOnlySequence<byte> buffer, ref bool inPayload, ref long payloadLeft, out long frames)
    {
        frames = 0;
        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            if (inPayload)
            {
                long skip = Math.Min(payloadLeft, reader.Remaining);
                reader.Advance(skip);
                payloadLeft -= skip;
                if (payloadLeft > 0)
                {
                    break;
                }

                inPayload = false;
                frames++;
            }

            if (!reader.TryReadBigEndian(out int length))
            {
                break;
            }

            if (length < 0 || length > _maxFrameLength)
            {
                return false;
            }

            inPayload = true;
            payloadLeft = length;
        }

        buffer = buffer.Slice(reader.Position);
        return true;
    }
}
