using ActorNet.IO;
using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using ActorNet.Protocol;

namespace ActorNet.Sinks.Spool;

/// <summary>
/// A sink's on-disk queue for outages: batches appended in arrival order to numbered segment files, read back
/// oldest first once the sink can write again. Owned by one sink actor (no locking).
/// <code>
///   dir/000000000001.seg  000000000002.seg ...   records: length u32 | crc32 u32 | body (SpoolRecord)
///   dir/position                                 segment u64 | offset u64 of the next record to replay
/// </code>
/// Appends become durable at <see cref="Sync"/> (fsync). The position is written and fsynced after each record
/// is replayed, so a crash replays at most the one record whose write it interrupted. Opening a spool that a
/// crash left behind drops a torn last record (it was never synced, hence never acknowledged) and counts the rest.
///
/// A full disk must not stop the replay that frees it: the position file is allocated (16 bytes) when the spool
/// opens, so saving a position overwrites blocks it already owns; should a save still fail, the replay moves on
/// in memory and the position is saved at the next record, the next sync or the close (a crash before that
/// replays the records since the last saved position: duplicates, never a loss). A finished segment that cannot
/// be deleted is left for the next open, which deletes every segment before the saved position.
/// </summary>
internal sealed class SinkSpool : IDisposable
{
    private const int HeaderLength = 8;
    private const string Extension = ".seg";

    private readonly string _directory;
    private readonly long _segmentLimit;
    private readonly ArrayBufferWriter<byte> _scratch = new(64 * 1024);
    private readonly Queue<(long Segment, long Length, int Frames)> _records = new();
    private readonly FileStream _position;
    private FileStream? _writer;
    private long _writeSegment;
    private long _readSegment;
    private long _readOffset;

    public SinkSpool(string directory, long maxBytes)
    {
        _directory = directory;
        MaxBytes = maxBytes;
        // Several segments, so replayed space is given back while an outage goes on.
        _segmentLimit = Math.Clamp(maxBytes / 8, 64 * 1024, 64L * 1024 * 1024);
        Directory.CreateDirectory(directory);
        _position = new FileStream(Path.Combine(directory, "position"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        try
        {
            Recover();
            // Owns its blocks from now on (see the class comment): a later save never needs new space.
            if (_position.Length < 16) SavePosition(_readSegment, _readOffset);
        }
        catch
        {
            // FileShare.None locks the position file: a restarted sink must be able to open the spool again.
            _position.Dispose();
            throw;
        }
    }

    /// <summary>Bytes dropped when the spool was opened: a last record torn by a crash, or damaged ones after it.</summary>
    public long DroppedAtOpen { get; private set; }

    public long MaxBytes { get; }

    /// <summary>Bytes of records not yet replayed.</summary>
    public long Bytes { get; private set; }

    /// <summary>Frames the sink will write from records not yet replayed.</summary>
    public long Frames { get; private set; }

    public bool IsEmpty => _records.Count == 0;

    /// <summary>Appends the part of <paramref name="batch"/> the sink writes, unless that would pass the size limit.</summary>
    public bool TryAppend(ParsedBatch batch, bool accepted, bool rejected, int frames, bool ignoreLimit = false)
    {
        _scratch.ResetWrittenCount();
        _scratch.GetSpan(HeaderLength);
        _scratch.Advance(HeaderLength);
        SpoolRecord.Write(_scratch, batch, accepted, rejected);
        var record = _scratch.WrittenMemory;
        if (!ignoreLimit && Bytes + record.Length > MaxBytes && !IsEmpty) return false;

        // The header is filled in after the body is known; GetMemory gave one contiguous buffer.
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsMemory(record).Span;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)(record.Length - HeaderLength));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[4..], Crc32.Compute(bytes[HeaderLength..]));

        var writer = Writer(record.Length);
        var length = writer.Length;
        try
        {
            writer.Write(record.Span);
        }
        catch
        {
            // No partial record may stay behind the ones that follow: cut it off (best effort: on a failure here the
            // CRC drops it at the next open, along with whatever follows it, which then was never acknowledged).
            try
            {
                writer.SetLength(length);
            }
            catch (IOException)
            {
            }
            throw;
        }
        _records.Enqueue((_writeSegment, record.Length, frames));
        Bytes += record.Length;
        Frames += frames;
        return true;
    }

    /// <summary>True while the replay position moved on in memory but could not be saved (a full or failing disk).</summary>
    public bool PositionPending { get; private set; }

    /// <summary>Makes every append so far durable (and a position that could not be saved earlier).</summary>
    public void Sync()
    {
        _writer?.Flush(flushToDisk: true);
        if (PositionPending) TrySavePosition();
    }

    /// <summary>The oldest record not yet replayed, rebuilt; false when the spool is empty.</summary>
    public bool TryPeek(out ParsedBatch batch, out bool accepted, out bool rejected)
    {
        batch = null!;
        accepted = rejected = false;
        if (!_records.TryPeek(out var next)) return false;
        if (next.Segment != _readSegment)
        {
            _readSegment = next.Segment;
            _readOffset = 0;
        }
        // Appends may still sit in the writer's OS buffer of the same file: reading through the file system sees them.
        using var file = new FileStream(SegmentPath(_readSegment), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        file.Position = _readOffset;
        var buffer = ArrayPool<byte>.Shared.Rent((int)next.Length);
        try
        {
            file.ReadExactly(buffer, 0, (int)next.Length);
            var body = buffer.AsSpan(HeaderLength, (int)next.Length - HeaderLength);
            if (Crc32.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(4)))
                throw new InvalidDataException($"spool record at {SegmentPath(_readSegment)}:{_readOffset} changed on disk (CRC mismatch)");
            (batch, accepted, rejected) = SpoolRecord.Read(body);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The record <see cref="TryPeek"/> returned is written (or damaged beyond use): moves past it. Never throws for
    /// the disk's sake: the move is made in memory first, and a position that cannot be saved is saved later
    /// (<see cref="PositionPending"/>), because throwing here would write the same record again.
    /// </summary>
    /// <returns>False when the new position could not be saved yet.</returns>
    public bool Advance()
    {
        var done = _records.Dequeue();
        Bytes -= done.Length;
        Frames -= done.Frames;
        if (_records.TryPeek(out var next) && next.Segment == _readSegment)
        {
            _readOffset += done.Length;
            return TrySavePosition();
        }

        // The read segment is finished (records are in order, so nothing later lives in it): give its space back.
        if (_readSegment == _writeSegment)
        {
            try
            {
                _writer?.Dispose();
            }
            catch (IOException)
            {
                // Only appends the sink already replayed (and wrote to its store) could be lost with this flush.
            }
            _writer = null;
        }
        var finished = _readSegment;
        _readSegment = _records.Count > 0 ? _records.Peek().Segment : _writeSegment + 1;
        _readOffset = 0;
        // Saved before the delete: a crash in between leaves a segment before the position, which Recover deletes.
        var saved = TrySavePosition();
        try
        {
            File.Delete(SegmentPath(finished));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next open (see the class comment); until then it only holds disk space.
        }
        return saved;
    }

    public void Dispose()
    {
        try
        {
            _writer?.Flush(flushToDisk: true);
            if (PositionPending && !TrySavePosition())
                throw new IOException($"could not save the spool's replay position in {_directory}: records already written will be written again at the next start");
        }
        finally
        {
            _writer?.Dispose();
            _position.Dispose();
        }
    }

    private FileStream Writer(int nextRecord)
    {
        if (_writer is not null && _writer.Length + nextRecord <= _segmentLimit) return _writer;
        if (_writer is not null)
        {
            _writer.Flush(flushToDisk: true);
            _writer.Dispose();
        }
        _writeSegment = Math.Max(_writeSegment + 1, _readSegment);
        _writer = new FileStream(SegmentPath(_writeSegment), FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
        return _writer;
    }

    private bool TrySavePosition()
    {
        try
        {
            SavePosition(_readSegment, _readOffset);
            PositionPending = false;
            return true;
        }
        catch (IOException)
        {
            PositionPending = true;
            return false;
        }
    }

    private void SavePosition(long segment, long offset)
    {
        Span<byte> position = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(position, segment);
        BinaryPrimitives.WriteInt64LittleEndian(position[8..], offset);
        _position.Position = 0;
        _position.Write(position);
        _position.Flush(flushToDisk: true);
    }

    private void Recover()
    {
        Span<byte> saved = stackalloc byte[16];
        if (_position.Length >= 16)
        {
            _position.ReadExactly(saved);
            _readSegment = BinaryPrimitives.ReadInt64LittleEndian(saved);
            _readOffset = BinaryPrimitives.ReadInt64LittleEndian(saved[8..]);
        }

        var segments = Directory.GetFiles(_directory, "*" + Extension)
            .Select(path => long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Where(n => n > 0)
            .Order()
            .ToList();
        foreach (var segment in segments.Where(s => s < _readSegment)) File.Delete(SegmentPath(segment));
        segments.RemoveAll(s => s < _readSegment);
        if (segments.Count == 0)
        {
            _readOffset = 0;
            _writeSegment = Math.Max(_readSegment, 1) - 1;
            _readSegment = _writeSegment + 1;
            return;
        }
        if (segments[0] > _readSegment)
        {
            _readSegment = segments[0];
            _readOffset = 0;
        }

        var kept = new List<long>();
        foreach (var segment in segments)
        {
            var start = segment == _readSegment ? _readOffset : 0;
            var before = _records.Count;
            var validEnd = ScanSegment(segment, start);
            if (_records.Count == before)
            {
                DroppedAtOpen += new FileInfo(SegmentPath(segment)).Length - start;
                // Nothing left to replay in it (all replayed, or only a torn record): it would never be deleted later.
                File.Delete(SegmentPath(segment));
                continue;
            }
            using var file = new FileStream(SegmentPath(segment), FileMode.Open, FileAccess.Write);
            // A record torn by a crash was never synced, so never acknowledged to anyone: drop it.
            if (file.Length > validEnd)
            {
                DroppedAtOpen += file.Length - validEnd;
                file.SetLength(validEnd);
            }
            kept.Add(segment);
        }
        if (kept.Count == 0)
        {
            _writeSegment = Math.Max(segments[^1], _readSegment);
            _readSegment = _writeSegment + 1;
            _readOffset = 0;
            return;
        }
        if (kept[0] != _readSegment)
        {
            _readSegment = kept[0];
            _readOffset = 0;
        }
        _writeSegment = kept[^1];
    }

    private long ScanSegment(long segment, long offset)
    {
        var data = File.ReadAllBytes(SegmentPath(segment));
        while (offset + HeaderLength <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)offset));
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)offset + 4));
            if (length > data.Length - offset - HeaderLength) break;
            var body = data.AsSpan((int)offset + HeaderLength, (int)length);
            if (Crc32.Compute(body) != crc) break;
            int frames;
            try
            {
                frames = SpoolRecord.CountWritten(body);
            }
            catch (InvalidDataException)
            {
                break;
            }
            _records.Enqueue((segment, length + HeaderLength, frames));
            Bytes += length + HeaderLength;
            Frames += frames;
            offset += length + HeaderLength;
        }
        return offset;
    }

    private string SegmentPath(long segment) => Path.Combine(_directory, segment.ToString("D12", CultureInfo.InvariantCulture) + Extension);
}
