namespace ActorNet.Benchmarks.Fuzz;

/// <summary>
/// The deterministic stream of connections for one shape: the same seed, frame count and mutation rate give the
/// same bytes, in the same writes, on every run and machine. Frames are drawn from the FsCheck corpus, a share of
/// them mutated (<see cref="FrameMutator"/>), and each connection's expected frames cut by <see cref="ReferenceCutter"/>.
/// </summary>
public sealed class FuzzPlan
{
    private const int CorpusSize = 2048;
    private const int MaxFramesPerSession = 500;

    public FuzzPlan(FuzzShape shape, int seed, long frames, double mutationRate)
    {
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), frames, "at least one frame");
        if (mutationRate is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(mutationRate), mutationRate, "a share from 0 to 1");
        Shape = shape;
        Seed = seed;
        Frames = frames;
        MutationRate = mutationRate;
        Corpus = PayloadCorpus.Create(shape, seed, CorpusSize);
    }

    public FuzzShape Shape { get; }

    public int Seed { get; }

    /// <summary>Frames to send in all (counting those mutated); the last connection may end a little past it.</summary>
    public long Frames { get; }

    public double MutationRate { get; }

    /// <summary>The valid payloads the frames start from.</summary>
    public byte[][] Corpus { get; }

    /// <summary>The connections, generated lazily: the plan of a million frames is never held at once.</summary>
    public IEnumerable<FuzzSession> Sessions()
    {
        var random = new Random(Seed);
        var mutator = new FrameMutator(Shape, random);
        long sent = 0;
        while (sent < Frames)
        {
            int wanted = (int)Math.Min(Frames - sent, 1 + random.Next(MaxFramesPerSession));
            var session = Session(random, mutator, wanted);
            sent += session.Frames;
            yield return session;
        }
    }

    /// <summary>One valid frame on a connection of its own: sent after the run to show the host still serves.</summary>
    public FuzzSession Canary()
    {
        byte[] bytes = Shape.Encode(Corpus[0]);
        return new FuzzSession(bytes, [bytes.Length], 1, 0, ReferenceCutter.Cut(Shape, bytes, out _));
    }

    private FuzzSession Session(Random random, FrameMutator mutator, int wanted)
    {
        var stream = new List<byte>();
        var starts = new List<(int Start, bool Mutated)>(wanted);
        for (int i = 0; i < wanted; i++)
        {
            byte[] wire = Shape.Encode(Corpus[random.Next(Corpus.Length)]);
            bool mutate = random.NextDouble() < MutationRate;
            if (mutate) wire = mutator.Mutate(wire, FrameMutator.All[random.Next(FrameMutator.All.Length)]);
            starts.Add((stream.Count, mutate));
            stream.AddRange(wire);
        }

        byte[] all = [.. stream];
        var cuts = ReferenceCutter.Cut(Shape, all, out int length);
        byte[] bytes = length == all.Length ? all : all[..length];

        // Frames that start after a fatal length field are never sent; neither are the mutations among them.
        var sent = starts.Where(frame => frame.Start < length || length == all.Length).ToArray();
        return new FuzzSession(bytes, Writes(random, bytes.Length), sent.Length, sent.Count(frame => frame.Mutated), cuts);
    }

    /// <summary>
    /// Write sizes: often a few bytes (a frame, or its header, split across reads), often about a packet, sometimes
    /// all that is left at once.
    /// </summary>
    private static int[] Writes(Random random, int length)
    {
        var writes = new List<int>();
        int left = length;
        while (left > 0)
        {
            int size = random.Next(10) switch
            {
                < 3 => 1 + random.Next(16),
                < 8 => 1 + random.Next(1500),
                _ => left,
            };
            size = Math.Min(size, left);
            writes.Add(size);
            left -= size;
        }

        return [.. writes];
    }
}
