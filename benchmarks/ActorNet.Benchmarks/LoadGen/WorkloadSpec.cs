using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.LoadGen;

/// <summary>What the load generator sends: <see cref="Connections"/> × <see cref="Frames"/> frames of <see cref="Size"/> payload bytes.</summary>
/// <param name="Connections">Concurrent TCP connections.</param>
/// <param name="Frames">Frames per connection.</param>
/// <param name="Size">Payload bytes per frame, without the delimiter or length header.</param>
/// <param name="Framing">How frames are cut.</param>
/// <param name="Seed">Seeds the random write sizes, so that two runs split the streams the same way.</param>
/// <param name="MaxWriteSize">Largest single socket write; write sizes are drawn from <paramref name="MinWriteSize"/> .. this.</param>
/// <param name="MinWriteSize">Smallest single socket write (but the last of a stream); 1 unless --min-write-size says otherwise.</param>
public sealed record WorkloadSpec(int Connections, int Frames, int Size, WireFraming Framing, int Seed, int MaxWriteSize = WorkloadSpec.DefaultMaxWriteSize,
    int MinWriteSize = 1)
{
    public const int DefaultMaxWriteSize = 64 * 1024;

    /// <summary>Refuses to pre-build more than this in memory; the streams are held for the whole run.</summary>
    public const long MaxTotalBytes = 8L * 1024 * 1024 * 1024;

    public int FrameLength => Size + Framing.Overhead();

    public long BytesPerConnection => (long)Frames * FrameLength;

    public long TotalBytes => BytesPerConnection * Connections;

    public long TotalFrames => (long)Frames * Connections;

    /// <summary>Throws a <see cref="UsageException"/> naming the option that makes this workload impossible.</summary>
    public void Validate()
    {
        int minimum = PayloadWriter.MinimumSize(Connections, Frames);
        if (Size < minimum)
        {
            throw new UsageException(
                $"option --size: {Size} bytes cannot hold the connection index and sequence number that make every payload " +
                $"distinguishable; with {Connections} connections × {Frames} frames the minimum is {minimum}");
        }

        if (BytesPerConnection > Array.MaxLength)
        {
            throw new UsageException(
                $"one connection's stream would be {BytesPerConnection} bytes (--frames {Frames} × {FrameLength}); the limit is {Array.MaxLength}; use fewer --frames or a smaller --size");
        }

        if (TotalBytes > MaxTotalBytes)
        {
            throw new UsageException(
                $"the streams would take {ProcessMemory.Mib(TotalBytes)} MiB of memory (--connections × --frames × frame length); the limit is {ProcessMemory.Mib(MaxTotalBytes)} MiB");
        }
    }
}
