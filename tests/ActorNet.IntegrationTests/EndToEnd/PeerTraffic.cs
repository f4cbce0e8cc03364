namespace ActorNet.IntegrationTests.EndToEnd;

/// <summary>One frame as a peer put it on the wire, and what ActorNet must make of it.</summary>
/// <param name="Wire">The bytes sent (frame plus delimiter, or header plus payload).</param>
/// <param name="Frame">The frame as ActorNet cuts it: the payload of a good frame, the bytes a rejection is about.</param>
/// <param name="Reason">Null for a good frame; else the quarantine reason expected.</param>
/// <param name="RawLength">The rawLength expected in quarantine; null when it depends on how reads fell.</param>
/// <param name="ErrorContains">Text the quarantine error must contain, if any.</param>
public sealed record SentFrame(byte[] Wire, byte[] Frame, string? Reason = null, long? RawLength = null, string? ErrorContains = null)
{
    public bool IsGood => Reason is null;

    public static SentFrame Good(byte[] frame, byte[] wire) => new(wire, frame);

    /// <summary>A frame quarantined whole: its length is known and its first bytes are kept as <c>raw</c>.</summary>
    public static SentFrame Bad(byte[] frame, byte[] wire, string reason) => new(wire, frame, reason, frame.Length);
}

/// <summary>Everything one peer sends, in order, and how it cuts the stream into writes.</summary>
public sealed class PeerTraffic
{
    public PeerTraffic(int seed, IReadOnlyList<SentFrame> frames)
    {
        Seed = seed;
        Frames = frames;
        Stream = frames.SelectMany(f => f.Wire).ToArray();
    }

    /// <summary>Seeds the write sizes; a failure names it so the same traffic can be replayed.</summary>
    public int Seed { get; }

    public IReadOnlyList<SentFrame> Frames { get; }
    public byte[] Stream { get; }

    /// <summary>
    /// The stream cut into writes of 1 byte to 4 KiB, a quarter of them under 9 bytes, so that delimiters,
    /// headers and multi-byte characters are split across reads.
    /// </summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Writes()
    {
        var random = new Random(Seed);
        var writes = new List<ReadOnlyMemory<byte>>();
        for (var offset = 0; offset < Stream.Length;)
        {
            var size = Math.Min(Stream.Length - offset, random.Next(4) == 0 ? random.Next(1, 9) : random.Next(1, 4097));
            writes.Add(Stream.AsMemory(offset, size));
            offset += size;
        }
        return writes;
    }
}
