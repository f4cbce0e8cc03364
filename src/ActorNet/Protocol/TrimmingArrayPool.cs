using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ActorNet.Protocol;

/// <summary>
/// An array pool that gives back what a burst left behind. Like <see cref="ArrayPool{T}.Create(int, int)"/> it keeps
/// up to <c>maxArraysPerBucket</c> arrays per power-of-two size, so that steady streaming allocates nothing; unlike it,
/// <see cref="Trim"/> drops the arrays that sat unused through the whole time since the previous trim.
/// </summary>
/// <remarks>
/// Each bucket remembers the fewest arrays it held idle since the last trim (its low-water mark): that many were never
/// needed in that time, so they go, the longest idle first. Arrays in circulation are never below the mark, so a
/// steady load keeps every array it uses; after a burst the surplus goes at the next trim and, once the pool sees no
/// use at all, everything goes within two. Trimming takes the bucket's lock for one short copy: rentals barely notice.
/// </remarks>
internal sealed class TrimmingArrayPool<T> : ArrayPool<T>
{
    private const int SmallestLength = 16;
    private readonly Bucket[] _buckets;
    private bool _rentedSinceTrim;

    public TrimmingArrayPool(int maxArrayLength, int maxArraysPerBucket)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxArrayLength, SmallestLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxArraysPerBucket, 1);
        _buckets = new Bucket[BucketIndex(maxArrayLength) + 1];
        for (var i = 0; i < _buckets.Length; i++) _buckets[i] = new Bucket(SmallestLength << i, maxArraysPerBucket);
    }

    /// <summary>Elements held idle in the pool now.</summary>
    public long PooledElements => _buckets.Sum(b => (long)b.Count * b.Length);

    /// <summary>Bytes held idle in the pool now.</summary>
    public long PooledBytes => PooledElements * Unsafe.SizeOf<T>();

    /// <summary>
    /// Arrays of the pooled sizes rented and not (yet) returned, counted since the pool was made: those in use, plus
    /// those their holders let go to the collector instead. A count that grows with every connection closed is a
    /// holder that forgets to return.
    /// </summary>
    public long Outstanding => _buckets.Sum(b => b.Outstanding);

    public override T[] Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        if (minimumLength == 0) return [];
        // A plain store, no interlocked operation: a rental racing with a trim may be seen one trim late, which is harmless.
        _rentedSinceTrim = true;
        var index = BucketIndex(minimumLength);
        if (index >= _buckets.Length) return GC.AllocateUninitializedArray<T>(minimumLength);
        return _buckets[index].TryTake() ?? GC.AllocateUninitializedArray<T>(_buckets[index].Length);
    }

    public override void Return(T[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length < SmallestLength || !BitOperations.IsPow2(array.Length)) return; // not one of ours: the GC takes it
        var index = BucketIndex(array.Length);
        if (index >= _buckets.Length) return;
        if (clearArray) Array.Clear(array);
        _buckets[index].Put(array);
    }

    /// <summary>Whether anything was rented since the last <see cref="Trim"/>.</summary>
    public bool RentedSinceTrim => Volatile.Read(ref _rentedSinceTrim);

    /// <summary>Drops the arrays no rental needed since the previous call; returns the bytes given to the GC.</summary>
    public long Trim()
    {
        Volatile.Write(ref _rentedSinceTrim, false);
        long released = 0;
        foreach (var bucket in _buckets) released += (long)bucket.Trim() * bucket.Length;
        return released * Unsafe.SizeOf<T>();
    }

    private static int BucketIndex(int length) =>
        BitOperations.Log2((uint)Math.Max(length, SmallestLength) - 1) + 1 - BitOperations.Log2(SmallestLength);

    private sealed class Bucket
    {
        private readonly T[]?[] _arrays;
        private readonly Lock _lock = new();
        private int _count;
        private int _lowWater;

        // Counted under the lock the bucket takes anyway: no extra cost per rental.
        private long _taken;
        private long _put;

        public Bucket(int length, int capacity)
        {
            Length = length;
            _arrays = new T[capacity][];
        }

        public int Length { get; }

        public int Count => Volatile.Read(ref _count);

        public long Outstanding
        {
            get
            {
                lock (_lock) return _taken - _put;
            }
        }

        public T[]? TryTake()
        {
            lock (_lock)
            {
                _taken++;
                if (_count == 0) return null;
                var array = _arrays[--_count];
                _arrays[_count] = null;
                if (_count < _lowWater) _lowWater = _count;
                return array;
            }
        }

        public void Put(T[] array)
        {
            lock (_lock)
            {
                _put++;
                if (_count < _arrays.Length) _arrays[_count++] = array;
            }
        }

        /// <summary>Drops the bottom of the stack (the arrays idle longest), as many as were never taken since the last trim.</summary>
        public int Trim()
        {
            lock (_lock)
            {
                var idle = Math.Min(_lowWater, _count);
                if (idle > 0)
                {
                    Array.Copy(_arrays, idle, _arrays, 0, _count - idle);
                    Array.Clear(_arrays, _count - idle, idle);
                    _count -= idle;
                }
                _lowWater = _count;
                return idle;
            }
        }
    }
}
