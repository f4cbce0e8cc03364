using System.Buffers;
using System.Threading.Channels;
using ActorNet.Configuration;
using ActorNet.Protocol;
using Microsoft.Extensions.Logging;

namespace ActorNet.Recording;

/// <summary>
/// Records one source's connections. A connection copies what it read or wrote into a pooled buffer and queues it
/// (<see cref="Read"/>, <see cref="Wrote"/>; never blocking, a copy of the bytes and nothing more); a dedicated
/// writer thread seals (CRC), appends and flushes. The queue is bounded in bytes by record.buffer: past it a record is
/// dropped and counted (reason behind), so a slow disk costs the recording records, never ingestion its pace. A
/// file that cannot be written drops records too (reason io-error), logged once per outage and retried each second.
/// </summary>
public sealed class SourceRecorder : IDisposable
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly RecordingFiles _files;
    private readonly ILogger _log;
    private readonly string _source;
    private readonly KeyValuePair<string, object?> _sourceTag;
    private readonly Thread _writer;
    private long _queuedBytes;
    private int _behindLogged;

    internal SourceRecorder(string source, RecordSettings settings, ILogger log)
    {
        _source = source;
        Settings = settings;
        _log = log;
        _sourceTag = Metrics.ActorNetMetrics.Source(source);
        _files = new RecordingFiles(settings, source, log);
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = $"actornet-record-{source}" };
        _writer.Start();
        _log.Recording(source, _files.Dir);
    }

    public RecordSettings Settings { get; }

    /// <summary>A connection opened; <paramref name="local"/> is ActorNet's end of it ("address:port"), for the export.</summary>
    public void Opened(ConnectionInfo info, string local) =>
        Enqueue(RecordKind.Open, DateTime.UtcNow, info, System.Text.Encoding.UTF8.GetBytes(local));

    /// <summary>A read from the peer; <paramref name="at"/> is the receivedAt its frames get.</summary>
    public void Read(ConnectionInfo info, ReadOnlySpan<byte> data, DateTime at) => Enqueue(RecordKind.In, at, info, data);

    public void Wrote(ConnectionInfo info, ReadOnlySpan<byte> data) => Enqueue(RecordKind.Out, DateTime.UtcNow, info, data);

    /// <summary>The connection closed; <paramref name="at"/> is the receivedAt its last partial frame got when quarantined.</summary>
    public void Closed(ConnectionInfo info, string reason, DateTime at) =>
        Enqueue(RecordKind.Close, at, info, System.Text.Encoding.UTF8.GetBytes(reason));

    private void Enqueue(RecordKind kind, DateTime at, ConnectionInfo info, ReadOnlySpan<byte> data)
    {
        var max = RecordingFormat.MaxRecordLength(info.Peer, data.Length);
        if (max - 8 > RecordingFormat.MaxBody)
        {
            RecordingMetrics.Dropped.Add(1, _sourceTag, RecordingMetrics.TooLarge);
            return;
        }
        if (Interlocked.Add(ref _queuedBytes, max) > Settings.Buffer)
        {
            Interlocked.Add(ref _queuedBytes, -max);
            RecordingMetrics.Dropped.Add(1, _sourceTag, RecordingMetrics.Behind);
            if (Interlocked.Exchange(ref _behindLogged, 1) == 0) _log.Behind(_source, Settings.Buffer);
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(max);
        var length = RecordingFormat.WriteBody(buffer, kind, at.Ticks, info.Id, info.Peer, data);
        if (!_queue.Writer.TryWrite(new Pending(buffer, length, max)))
        {
            // Completed: the recorder is being disposed (a reload replaced it, or ActorNet stops).
            Interlocked.Add(ref _queuedBytes, -max);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void WriteLoop()
    {
        var reader = _queue.Reader;
        var failedUntil = DateTime.MinValue;
        long droppedInOutage = 0;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var pending))
            {
                try
                {
                    if (DateTime.UtcNow < failedUntil)
                    {
                        Drop(ref droppedInOutage);
                        continue;
                    }
                    var record = pending.Buffer.AsSpan(0, pending.Length);
                    RecordingFormat.Seal(record);
                    try
                    {
                        _files.Append(record);
                        RecordingMetrics.WrittenBytes.Add(record.Length, _sourceTag);
                        if (droppedInOutage > 0)
                        {
                            _log.WriteResumed(_source, _files.CurrentFile ?? _files.Dir, droppedInOutage);
                            droppedInOutage = 0;
                        }
                    }
                    catch (Exception e)
                    {
                        failedUntil = Failed(e, ref droppedInOutage);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(pending.Buffer);
                    if (Interlocked.Add(ref _queuedBytes, -pending.Reserved) <= Settings.Buffer / 2) Volatile.Write(ref _behindLogged, 0);
                }
            }
            try
            {
                // Nothing queued: hand what is buffered to the OS, so a kill -9 loses at most what came after.
                _files.Flush();
            }
            catch (Exception e)
            {
                failedUntil = Failed(e, ref droppedInOutage);
            }
        }
        // Abandon, not Dispose: a full disk makes the last flush fail, and this thread must not die of it.
        _files.Abandon();
    }

    private DateTime Failed(Exception e, ref long droppedInOutage)
    {
        if (droppedInOutage == 0) _log.WriteFailed(e, _source, _files.Dir, e.Message);
        Drop(ref droppedInOutage);
        _files.Abandon();
        return DateTime.UtcNow + RetryAfter;
    }

    private void Drop(ref long droppedInOutage)
    {
        droppedInOutage++;
        RecordingMetrics.Dropped.Add(1, _sourceTag, RecordingMetrics.IoError);
    }

    /// <summary>Writes what is queued, closes the file (waits up to 10 s for a slow disk).</summary>
    public void Dispose()
    {
        if (!_queue.Writer.TryComplete()) return;
        _writer.Join(TimeSpan.FromSeconds(10));
    }

    private readonly record struct Pending(byte[] Buffer, int Length, int Reserved);
}
