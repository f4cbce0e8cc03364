namespace ActorNet.Recording;

/// <summary>
/// The queue between a source's connections and its recorder's writer thread: records are written back to back into
/// blocks, and the writer takes whole blocks, so that a burst of small reads costs one write(2) per block instead of one
/// per read, and nothing is allocated per record. Bounded in bytes: every block counts against the limit from the moment
/// it is allocated, free or in use, so the recorder never holds more than record.buffer; a record that finds no room is
/// not appended (the caller counts it as dropped, reason behind). A record longer than a block gets a block of its own,
/// dropped after it is written.
/// </summary>
/// <remarks>
/// One lock: producers hold it to copy one record in, the writer to take a block or hand one back. The writer waits on
/// the same monitor, woken by the first record after it found nothing; so a quiet source has each record written (and
/// visible to a reader, or to a kill -9) as soon as the writer is free, and a busy one has many per block.
/// </remarks>
internal sealed class RecordBlocks
{
    private readonly object _gate = new();
    private readonly Stack<byte[]> _free = new();
    private readonly Queue<RecordBlock> _full = new();
    private byte[]? _current;
    private int _currentLength;
    private int _currentRecords;
    private long _allocated;
    private long _queued;
    private bool _completed;
    private bool _writerWaiting;

    /// <param name="limit">The most bytes all blocks together may take (record.buffer).</param>
    public RecordBlocks(long limit)
    {
        Limit = limit;
        // A sixteenth of the limit, from 64 KiB to 1 MiB: large enough that a write(2) carries many records, small enough
        // that the writer works on one block while the others fill.
        BlockSize = (int)Math.Clamp(limit / 16, 64 * 1024, 1024 * 1024);
    }

    public long Limit { get; }

    public int BlockSize { get; }

    /// <summary>Bytes of the blocks allocated now (free ones included).</summary>
    public long Allocated
    {
        get
        {
            lock (_gate) return _allocated;
        }
    }

    /// <summary>Bytes of records appended and not yet written (returned); read without the lock, so a moment old.</summary>
    public long Queued => Volatile.Read(ref _queued);

    /// <summary>
    /// Appends a record whose length is at most <paramref name="maxLength"/>, written by <paramref name="write"/>
    /// (given room of at least that length; returns the bytes it wrote). False when there is no room within the limit,
    /// or after <see cref="Complete"/>.
    /// </summary>
    public bool TryAppend<TState>(int maxLength, in TState state, RecordWriter<TState> write) where TState : allows ref struct
    {
        lock (_gate)
        {
            if (_completed) return false;
            if (_current is null || _current.Length - _currentLength < maxLength)
            {
                if (_current is not null && _currentLength > 0) Seal();
                else if (_current is not null) Free(_current);
                _current = null;
                if (!TryStartBlock(maxLength)) return false;
            }
            var length = write(_current.AsSpan(_currentLength), state);
            _currentLength += length;
            _currentRecords++;
            Volatile.Write(ref _queued, _queued + length);
            if (_writerWaiting)
            {
                _writerWaiting = false;
                Monitor.Pulse(_gate);
            }
            return true;
        }
    }

    /// <summary>
    /// The next block to write: a full one, else the one being filled (so a quiet source is written at once); waits when
    /// there is none. False once <see cref="Complete"/> was called and everything appended was taken.
    /// </summary>
    /// <param name="wait">False: return false at once when nothing is queued (the writer flushes, then waits).</param>
    public bool TryTake(bool wait, out RecordBlock block)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_full.TryDequeue(out block)) return true;
                if (_current is not null && _currentLength > 0)
                {
                    block = new RecordBlock(_current, _currentLength, _currentRecords);
                    _current = null;
                    return true;
                }
                if (_completed || !wait) return false;
                _writerWaiting = true;
                Monitor.Wait(_gate);
            }
        }
    }

    /// <summary>A taken block is written (or dropped): its room is free again.</summary>
    public void Return(RecordBlock block)
    {
        lock (_gate)
        {
            Free(block.Buffer);
            Volatile.Write(ref _queued, _queued - block.Length);
        }
    }

    private void Free(byte[] buffer)
    {
        if (buffer.Length == BlockSize) _free.Push(buffer);
        else _allocated -= buffer.Length;
    }

    /// <summary>No more records: the writer takes what is queued, then <see cref="TryTake"/> says false.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Seal()
    {
        _full.Enqueue(new RecordBlock(_current!, _currentLength, _currentRecords));
        _current = null;
    }

    private bool TryStartBlock(int maxLength)
    {
        if (maxLength <= BlockSize && _free.TryPop(out var free))
        {
            _current = free;
        }
        else
        {
            var size = Math.Max(maxLength, BlockSize);
            // Free blocks count against the limit: a record longer than a block may take their room.
            while (_allocated + size > Limit && size > BlockSize && _free.TryPop(out var dropped)) _allocated -= dropped.Length;
            if (_allocated + size > Limit) return false;
            _allocated += size;
            _current = GC.AllocateUninitializedArray<byte>(size);
        }
        _currentLength = 0;
        _currentRecords = 0;
        return true;
    }
}

/// <summary>Writes one record into <paramref name="target"/>; returns its length.</summary>
internal delegate int RecordWriter<TState>(Span<byte> target, in TState state) where TState : allows ref struct;

/// <summary><see cref="Records"/> whole records, back to back, in the first <see cref="Length"/> bytes of <see cref="Buffer"/>.</summary>
internal readonly record struct RecordBlock(byte[] Buffer, int Length, int Records);
