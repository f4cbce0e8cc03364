using System.Globalization;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>
/// What the sinks must hold after a run, summed over every connection sent: the frames a parser accepts (count and
/// an order-free digest of their content), the frames quarantined (count), and for raw framing, where frame
/// boundaries follow reads, each connection's stream as a whole (count and digest of non-empty streams, bytes).
/// Small and mergeable, so that a generator in another process can hand it over in one line.
/// </summary>
public sealed record FuzzTally
{
    public long Sessions { get; init; }

    public long Frames { get; init; }

    public long Mutated { get; init; }

    public long Accepted { get; init; }

    public ulong AcceptedDigest { get; init; }

    public long Rejected { get; init; }

    public long Streams { get; init; }

    public ulong StreamDigest { get; init; }

    public long Bytes { get; init; }

    /// <summary>What ActorNet must make of <paramref name="session"/>, by the reference framing and the parse oracle.</summary>
    public static FuzzTally Expected(FuzzShape shape, FuzzSession session)
    {
        long accepted = 0, rejected = 0;
        ulong digest = 0;
        foreach (var cut in session.Cuts)
        {
            var frame = session.Bytes.AsSpan(cut.Offset, cut.Length);
            if (cut.FramingError is null && ParseOracle.Accepts(shape.Parser, frame))
            {
                accepted++;
                digest += FuzzHash.Of(ParseOracle.Canonical(shape.Parser, frame));
            }
            else
            {
                rejected++;
            }
        }

        bool raw = shape.Framing == FuzzFraming.Raw && session.Bytes.Length > 0;
        byte[] stream = raw ? ParseOracle.StreamBytes(shape.Parser, session.Bytes) : [];
        return new FuzzTally
        {
            Sessions = 1,
            Frames = session.Frames,
            Mutated = session.Mutated,
            Accepted = accepted,
            AcceptedDigest = digest,
            Rejected = rejected,
            Streams = raw ? 1 : 0,
            StreamDigest = raw ? StreamHash(FuzzHash.Polynomial(stream), stream.Length) : 0,
            Bytes = stream.Length,
        };
    }

    /// <summary>The digest term of one connection's whole stream.</summary>
    public static ulong StreamHash(ulong polynomial, long length) => FuzzHash.Mix(polynomial ^ FuzzHash.Mix((ulong)length));

    public FuzzTally Plus(FuzzTally other) => new()
    {
        Sessions = Sessions + other.Sessions,
        Frames = Frames + other.Frames,
        Mutated = Mutated + other.Mutated,
        Accepted = Accepted + other.Accepted,
        AcceptedDigest = AcceptedDigest + other.AcceptedDigest,
        Rejected = Rejected + other.Rejected,
        Streams = Streams + other.Streams,
        StreamDigest = StreamDigest + other.StreamDigest,
        Bytes = Bytes + other.Bytes,
    };

    public string ToLine() => string.Create(CultureInfo.InvariantCulture,
        $"sessions={Sessions} frames={Frames} mutated={Mutated} accepted={Accepted} accepted-digest={AcceptedDigest:x16} " +
        $"rejected={Rejected} streams={Streams} stream-digest={StreamDigest:x16} bytes={Bytes}");

    public static FuzzTally Parse(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(field => field.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        long Long(string name) => long.Parse(fields[name], CultureInfo.InvariantCulture);
        ulong Hex(string name) => ulong.Parse(fields[name], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return new FuzzTally
        {
            Sessions = Long("sessions"),
            Frames = Long("frames"),
            Mutated = Long("mutated"),
            Accepted = Long("accepted"),
            AcceptedDigest = Hex("accepted-digest"),
            Rejected = Long("rejected"),
            Streams = Long("streams"),
            StreamDigest = Hex("stream-digest"),
            Bytes = Long("bytes"),
        };
    }
}
