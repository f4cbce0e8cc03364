using ActorNet.Configuration;
using ActorNet.Protocol;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorNet.Recording;

/// <summary>
/// Records one source's connections. A connection copies what it read or wrote into the recorder's queue
/// (<see cref="Read"/>, <see cref="Wrote"/>; never blocking, a copy of the bytes under a short lock and nothing more);
/// a dedicated writer thread seals (CRC) and appends whole blocks of records, one write(2) each
/// (<see cref="RecordBlocks"/>). The queue is bounded in bytes by record.buffer: past it a record is dropped and counted
/// (reason behind). With when-behind = wait (the default) a TCP connection asks <see cref="MayRead"/> before each read and
/// waits while the writer is more than half the buffer behind, so a disk slower than the peers sets their pace and the
/// recording stays complete; a writer that made no progress for <see cref="StallAfter"/> (a stuck disk) is not waited
/// for, so a recording failure never stops ingestion. A file that cannot be written drops records (reason io-error),
/// logged once per outage and retried each second.
/// </summary>
public sealed class SourceRecorder : IDisposable
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>A writer that wrote nothing for this long while records wait is stuck: connections stop waiting for it.</summary>
    public static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(1);
    private static readonly RecordWriter<Body> WriteBody = static (Span<byte> target, in Body body) =>
        RecordingFormat.WriteBody(target, body.Kind, body.Ticks, body.Info.Id, body.Info.Peer, body.Data);
    private readonly RecordBlocks _blocks;
    private readonly RecordingFiles _files;
    private readonly ILogger _log;
    private readonly string _source;
    private readonly KeyValuePair<string, object?> _sourceTag;
    private readonly Thread _writer;
    private int _behindLogged;
    private volatile bool _disposed;
    // Connections waiting for the writer to catch up, each with the message that wakes it.
    private readonly Dictionary<IActorRef, object> _waiting = [];
    private readonly long _pauseAbove;
    private readonly long _resumeAtOrBelow;
    private readonly Timer? _stallCheck;
    private long _lastProgress = Environment.TickCount64;

    /// <param name="startWriter">False only in specs of a writer that is stuck (<see cref="StartWriter"/> starts it later).</param>
    internal SourceRecorder(string source, RecordSettings settings, ILogger log, bool startWriter = true)
    {
        _source = source;
        Settings = settings;
        _log = log;
        _sourceTag = Metrics.ActorNetMetrics.Source(source);
        _blocks = new RecordBlocks(settings.Buffer);
        _files = new RecordingFiles(settings, source, log);
        _pauseAbove = settings.Buffer / 2;
        _resumeAtOrBelow = settings.Buffer / 4;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = $"actornet-record-{source}" };
        if (startWriter) StartWriter();
        // Wakes waiting connections when the writer gets stuck (it cannot say so itself: it is stuck in a write).
        if (settings.WaitWhenBehind) _stallCheck = new Timer(_ => WakeIf(Stalled), null, StallAfter / 2, StallAfter / 2);
        _log.Recording(source, _files.Dir);
    }

    public RecordSettings Settings { get; }

    internal void StartWriter() => _writer.Start();

    /// <summary>
    /// A connection opened (a TLS one: its handshake is done); <paramref name="local"/> is ActorNet's end of it
    /// ("address:port"), for the export; the client certificate's subject is <paramref name="info"/>'s.
    /// <paramref name="datagrams"/>: a udp source's sender, so that the export tags its packets UDP.
    /// </summary>
    public void Opened(ConnectionInfo info, string local, bool datagrams = false) =>
        Enqueue(RecordKind.Open, DateTime.UtcNow, info, RecordingFormat.OpenData(local, info.ClientSubject, datagrams));

    /// <summary>A read from the peer (for a udp source, one datagram); <paramref name="at"/> is the receivedAt its frames get.</summary>
    public void Read(ConnectionInfo info, ReadOnlySpan<byte> data, DateTime at) => Enqueue(RecordKind.In, at, info, data);

    public void Wrote(ConnectionInfo info, ReadOnlySpan<byte> data) => Enqueue(RecordKind.Out, DateTime.UtcNow, info, data);

    /// <summary>The connection closed; <paramref name="at"/> is the receivedAt its last partial frame got when quarantined.</summary>
    public void Closed(ConnectionInfo info, string reason, DateTime at) =>
        Enqueue(RecordKind.Close, at, info, System.Text.Encoding.UTF8.GetBytes(reason));

    /// <summary>
    /// Whether <paramref name="connection"/> may read now: false while the writer is more than half the buffer behind
    /// and not stuck (when-behind = wait); <paramref name="wake"/> is then told to it once the writer is back under a
    /// quarter of the buffer, gets stuck, or the recorder is disposed.
    /// </summary>
    public bool MayRead(IActorRef connection, object wake)
    {
        if (!Settings.WaitWhenBehind || _disposed || _blocks.Queued <= _pauseAbove || Stalled) return true;
        lock (_waiting) _waiting[connection] = wake;
        // Checked again after joining: the writer may have caught up, and looked for waiters, in between.
        WakeIf(_blocks.Queued <= _resumeAtOrBelow || _disposed);
        return false;
    }

    private bool Stalled => _blocks.Queued > 0 && Environment.TickCount64 - Volatile.Read(ref _lastProgress) > (long)StallAfter.TotalMilliseconds;

    private void WakeIf(bool condition)
    {
        if (!condition) return;
        KeyValuePair<IActorRef, object>[] waiting;
        lock (_waiting)
        {
            if (_waiting.Count == 0) return;
            waiting = _waiting.ToArray();
            _waiting.Clear();
        }
        foreach (var (connection, wake) in waiting) connection.Tell(wake, ActorRefs.NoSender);
    }

    private void Enqueue(RecordKind kind, DateTime at, ConnectionInfo info, ReadOnlySpan<byte> data)
    {
        var max = RecordingFormat.MaxRecordLength(info.Peer, data.Length);
        if (max - 8 > RecordingFormat.MaxBody)
        {
            RecordingMetrics.Dropped.Add(1, _sourceTag, RecordingMetrics.TooLarge);
            return;
        }
        if (_blocks.TryAppend(max, new Body(kind, at.Ticks, info, data), WriteBody)) return;
        // Refused after Dispose: the recorder is being replaced (a reload) or ActorNet stops; not a drop.
        if (_disposed) return;
        RecordingMetrics.Dropped.Add(1, _sourceTag, RecordingMetrics.Behind);
        if (Interlocked.Exchange(ref _behindLogged, 1) == 0) _log.Behind(_source, Settings.Buffer);
    }

    private void WriteLoop()
    {
        var failedUntil = DateTime.MinValue;
        long droppedInOutage = 0;
        while (true)
        {
            if (!_blocks.TryTake(wait: false, out var block))
            {
                // Caught up: the next time the queue overflows is a new episode, logged again.
                Volatile.Write(ref _behindLogged, 0);
                try
                {
                    _files.Flush();
                }
                catch (Exception e)
                {
                    failedUntil = Failed(e, ref droppedInOutage, dropped: 0);
                }
                if (!_blocks.TryTake(wait: true, out block)) break;
            }
            Volatile.Write(ref _lastProgress, Environment.TickCount64);
            try
            {
                if (DateTime.UtcNow < failedUntil) Drop(ref droppedInOutage, block.Records);
                else Write(block, ref failedUntil, ref droppedInOutage);
            }
            finally
            {
                _blocks.Return(block);
                Volatile.Write(ref _lastProgress, Environment.TickCount64);
                if (_waiting.Count > 0) WakeIf(_blocks.Queued <= _resumeAtOrBelow);
            }
        }
        // Abandon, not Dispose: a full disk makes the last flush fail, and this thread must not die of it.
        _files.Abandon();
    }

    /// <summary>Seals the block's records and appends them, as few writes as file-size allows (one unless a file ends in it).</summary>
    private void Write(RecordBlock block, ref DateTime failedUntil, ref long droppedInOutage)
    {
        var records = block.Buffer.AsSpan(0, block.Length);
        int start = 0, position = 0, run = 0, written = 0;
        try
        {
            while (position < records.Length)
            {
                var length = RecordingFormat.LengthAt(records[position..]);
                RecordingFormat.Seal(records.Slice(position, length));
                if (position > start && !_files.Fits(position + length - start))
                {
                    Append(records[start..position], ref droppedInOutage);
                    written += run;
                    run = 0;
                    start = position;
                }
                position += length;
                run++;
            }
            Append(records[start..position], ref droppedInOutage);
        }
        catch (Exception e)
        {
            failedUntil = Failed(e, ref droppedInOutage, dropped: block.Records - written);
        }
    }

    private void Append(ReadOnlySpan<byte> records, ref long droppedInOutage)
    {
        _files.Append(records);
        RecordingMetrics.WrittenBytes.Add(records.Length, _sourceTag);
        if (droppedInOutage > 0)
        {
            _log.WriteResumed(_source, _files.CurrentFile ?? _files.Dir, droppedInOutage);
            droppedInOutage = 0;
        }
    }

    private DateTime Failed(Exception e, ref long droppedInOutage, int dropped)
    {
        if (droppedInOutage == 0) _log.WriteFailed(e, _source, _files.Dir, e.Message);
        Drop(ref droppedInOutage, dropped);
        _files.Abandon();
        return DateTime.UtcNow + RetryAfter;
    }

    private void Drop(ref long droppedInOutage, int records)
    {
        // An outage with nothing yet to drop still counts as one, so that its first failure is logged once.
        droppedInOutage += Math.Max(records, 1);
        if (records > 0) RecordingMetrics.Dropped.Add(records, _sourceTag, RecordingMetrics.IoError);
    }

    /// <summary>Writes what is queued, closes the file (waits up to 10 s for a slow disk).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stallCheck?.Dispose();
        WakeIf(true);
        _blocks.Complete();
        if (_writer.IsAlive) _writer.Join(TimeSpan.FromSeconds(10));
    }

    /// <summary>What <see cref="Enqueue"/> hands the queue to write under its lock.</summary>
    private readonly ref struct Body(RecordKind kind, long ticks, ConnectionInfo info, ReadOnlySpan<byte> data)
    {
        public RecordKind Kind { get; } = kind;
        public long Ticks { get; } = ticks;
        public ConnectionInfo Info { get; } = info;
        public ReadOnlySpan<byte> Data { get; } = data;
    }
}
