using System.Diagnostics;

namespace ActorNet.Benchmarks.LoadGen;

/// <summary>
/// Every connection's byte stream and write plan, built once before any socket opens so that sending is only
/// <c>SendAsync</c> over slices of a ready array. The same workload can feed several servers in turn, which is
/// how the end-to-end comparison gives both servers the identical streams.
/// </summary>
public sealed class Workload
{
    private Workload(WorkloadSpec spec, byte[][] streams, int[][] writeEnds, TimeSpan buildTime)
    {
        Spec = spec;
        Streams = streams;
        WriteEnds = writeEnds;
        BuildTime = buildTime;
    }

    public WorkloadSpec Spec { get; }

    /// <summary>One array per connection: its frames back to back.</summary>
    public IReadOnlyList<byte[]> Streams { get; }

    /// <summary>One array per connection: the end offset of each socket write (see <see cref="WritePlan"/>).</summary>
    public IReadOnlyList<int[]> WriteEnds { get; }

    public TimeSpan BuildTime { get; }

    public long TotalWrites => WriteEnds.Sum(ends => (long)ends.Length);

    public static Workload Build(WorkloadSpec spec)
    {
        spec.Validate();
        var clock = Stopwatch.StartNew();
        var writer = new PayloadWriter(spec);
        var streams = new byte[spec.Connections][];
        var writeEnds = new int[spec.Connections][];
        Parallel.For(0, spec.Connections, connection =>
        {
            // GC.AllocateUninitializedArray: every byte is written below, zeroing half a gigabyte first is waste.
            byte[] stream = GC.AllocateUninitializedArray<byte>((int)spec.BytesPerConnection);
            int frameLength = spec.FrameLength;
            for (int sequence = 0; sequence < spec.Frames; sequence++)
            {
                writer.Write(stream.AsSpan(sequence * frameLength, frameLength), connection, sequence);
            }

            streams[connection] = stream;
            writeEnds[connection] = WritePlan.Split(stream.Length, spec.MaxWriteSize, new Random(ConnectionSeed(spec.Seed, connection)), spec.MinWriteSize);
        });
        return new Workload(spec, streams, writeEnds, clock.Elapsed);
    }

    /// <summary>A fixed mix of the run's seed and the connection index (not HashCode, which is randomised per process).</summary>
    private static int ConnectionSeed(int seed, int connection) => unchecked((seed * 1_000_003) + connection);
}
