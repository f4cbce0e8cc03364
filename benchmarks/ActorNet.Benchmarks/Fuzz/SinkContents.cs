using System.Text.Json;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>
/// What ActorNet's jsonl sinks hold after a fuzz run, in the terms of <see cref="FuzzTally"/>: accepted frames
/// and their content digest from the frames file, quarantined frames from the quarantine file, and for raw
/// framing each connection's chunks (accepted and quarantined) put back together in seq order. Read a line at a
/// time: the files of a million-frame run do not fit comfortably in memory as documents.
/// </summary>
public sealed class SinkContents
{
    private readonly Dictionary<long, List<(long Seq, ulong Hash, int Length)>> _chunks = new();

    private SinkContents(FuzzShape shape) => Shape = shape;

    public FuzzShape Shape { get; }

    public FuzzTally Tally { get; private set; } = new();

    /// <summary>Quarantined frames by reason (frame-too-long, truncated, invalid-utf8, ...).</summary>
    public SortedDictionary<string, long> Reasons { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Raw framing: chunks the parser accepted that the oracle rejects or the other way round, and quarantined chunks
    /// not kept whole. Other framings: always zero (their content is checked by the digest).
    /// </summary>
    public long OracleMismatches { get; private set; }

    public static SinkContents Read(FuzzShape shape, string framesPath, string quarantinePath)
    {
        var contents = new SinkContents(shape);
        foreach (var record in Records(framesPath))
        {
            contents.AddAccepted(record);
        }

        foreach (var record in Records(quarantinePath))
        {
            contents.AddQuarantined(record);
        }

        contents.FinishStreams();
        return contents;
    }

    private void AddAccepted(JsonElement record)
    {
        byte[] payload = ParseOracle.FromRecord(Shape.Parser, record.GetProperty("payload"));
        Tally = Tally with { Accepted = Tally.Accepted + 1, AcceptedDigest = Tally.AcceptedDigest + FuzzHash.Of(payload) };
        if (Shape.Framing != FuzzFraming.Raw) return;
        // A raw chunk's payload is the chunk itself (text and binary); JSON is stored as written.
        if (!ParseOracle.Accepts(Shape.Parser, payload)) OracleMismatches++;
        AddChunk(record, payload);
    }

    private void AddQuarantined(JsonElement record)
    {
        Tally = Tally with { Rejected = Tally.Rejected + 1 };
        string reason = record.GetProperty("reason").GetString() ?? "";
        Reasons[reason] = Reasons.GetValueOrDefault(reason) + 1;
        if (Shape.Framing != FuzzFraming.Raw) return;
        byte[] raw = record.GetProperty("raw").GetBytesFromBase64();
        if (raw.Length != record.GetProperty("rawLength").GetInt64() || ParseOracle.Accepts(Shape.Parser, raw)) OracleMismatches++;
        AddChunk(record, raw);
    }

    private void AddChunk(JsonElement record, byte[] chunk)
    {
        byte[] bytes = ParseOracle.StreamBytes(Shape.Parser, chunk);
        long connection = record.GetProperty("connection").GetInt64();
        if (!_chunks.TryGetValue(connection, out var chunks)) _chunks[connection] = chunks = [];
        chunks.Add((record.GetProperty("seq").GetInt64(), FuzzHash.Polynomial(bytes), bytes.Length));
    }

    private void FinishStreams()
    {
        foreach (var chunks in _chunks.Values)
        {
            ulong hash = 0;
            long length = 0;
            foreach (var chunk in chunks.OrderBy(c => c.Seq))
            {
                hash = FuzzHash.Concat(hash, chunk.Hash, chunk.Length);
                length += chunk.Length;
            }

            Tally = Tally with
            {
                Streams = Tally.Streams + 1,
                StreamDigest = Tally.StreamDigest + FuzzTally.StreamHash(hash, length),
                Bytes = Tally.Bytes + length,
            };
        }
    }

    private static IEnumerable<JsonElement> Records(string path)
    {
        if (!File.Exists(path)) yield break;
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        while (reader.ReadLine() is { } line)
        {
            using var document = JsonDocument.Parse(line);
            yield return document.RootElement.Clone();
        }
    }
}
