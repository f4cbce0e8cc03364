using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorNet.IntegrationTests.Support;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.EndToEnd;

/// <summary>How the sink renders a good frame's payload, and how to check it against the frame sent.</summary>
public enum ExpectedPayload
{
    /// <summary>The JSON value itself: same kind and same bytes as the frame.</summary>
    Json,

    /// <summary>A JSON string holding the frame decoded as UTF-8.</summary>
    Text,

    /// <summary>A JSON string holding the frame in base64.</summary>
    Base64,
}

/// <summary>
/// Compares what the jsonl sinks wrote, and what the metrics counted, with what the peers sent, frame by frame;
/// collects every problem and fails once with all of them rather than at the first, so that one run shows the
/// whole picture.
/// </summary>
public sealed class IngestionVerifier
{
    private const int RawLimit = 64 * 1024; // quarantine-raw-limit's default
    private const int ExamplesPerKind = 3;

    private readonly string _source;
    private readonly ExpectedPayload _payload;
    private readonly List<string> _problems = [];

    public IngestionVerifier(string source, ExpectedPayload payload)
    {
        _source = source;
        _payload = payload;
    }

    /// <summary>Every frame sent is in exactly one of the two files, in order, with the right content.</summary>
    public IngestionVerifier CheckRecords(IReadOnlyDictionary<string, PeerTraffic> peers, IReadOnlyList<JsonElement> frames,
        IReadOnlyList<JsonElement> quarantine)
    {
        var good = peers.Values.Sum(p => p.Frames.Count(f => f.IsGood));
        var bad = peers.Values.Sum(p => p.Frames.Count(f => !f.IsGood));
        if (frames.Count != good) _problems.Add($"frames.jsonl has {frames.Count} records; {good} good frames were sent");
        if (quarantine.Count != bad) _problems.Add($"quarantine.jsonl has {quarantine.Count} records; {bad} bad frames were sent");

        var framesByPeer = GroupByPeer(frames, "frames.jsonl", peers);
        var quarantineByPeer = GroupByPeer(quarantine, "quarantine.jsonl", peers);
        var connectionOwners = new Dictionary<long, string>();
        foreach (var (peer, traffic) in peers)
        {
            var accepted = framesByPeer.GetValueOrDefault(peer, []);
            var rejected = quarantineByPeer.GetValueOrDefault(peer, []);
            VerifyConnection(peer, traffic, accepted, rejected, connectionOwners);
        }
        return this;
    }

    /// <summary>The source's counters add up to the traffic sent.</summary>
    public IngestionVerifier CheckMetrics(IReadOnlyDictionary<string, PeerTraffic> peers, SourceMetrics metrics)
    {
        var frames = peers.Values.SelectMany(p => p.Frames).ToArray();
        Expect(metrics, "actornet.connections.accepted", peers.Count);
        Expect(metrics, "actornet.connections.active", 0);
        Expect(metrics, "actornet.frames.received", frames.Length);
        Expect(metrics, "actornet.bytes.received", peers.Values.Sum(p => (long)p.Stream.Length));
        Expect(metrics, "actornet.frames.quarantined", frames.Count(f => !f.IsGood));
        foreach (var reason in frames.Where(f => !f.IsGood).GroupBy(f => f.Reason!))
        {
            var actual = metrics.Total("actornet.frames.quarantined", reason.Key);
            if (actual != reason.Count())
                _problems.Add($"metric actornet.frames.quarantined{{reason={reason.Key}}} is {actual}; {reason.Count()} such frames were sent");
        }
        return this;
    }

    /// <summary>Fails with every problem found, grouped by kind with a few examples of each.</summary>
    public void ThrowIfAnyProblem()
    {
        if (_problems.Count == 0) return;
        var report = new StringBuilder($"{_problems.Count} problem(s) in what ActorNet wrote and counted:");
        foreach (var kind in _problems.GroupBy(KindOf))
        {
            report.AppendLine().Append($"  {kind.Count()} x {kind.Key}...");
            foreach (var example in kind.Take(ExamplesPerKind)) report.AppendLine().Append("      ").Append(example);
        }
        throw new XunitException(report.ToString());
    }

    // "peer 127.0.0.1:5000 (seed 3) frame seq 7 (invalid-utf8, 30 bytes): written to ..." -> "invalid-utf8: written to ..."
    private static string KindOf(string problem)
    {
        var match = Regex.Match(problem, @"^peer \S+ \(seed \d+\)(?: frame seq \d+ \((?<frame>[^,]+), \d+ bytes\))?: (?<what>.*)$");
        var text = match.Success ? $"{match.Groups["frame"].Value}: {match.Groups["what"].Value}" : problem;
        text = Regex.Replace(text, @"\b\d+\b", "#");
        return text.Length > 60 ? text[..60] : text;
    }

    private void Expect(SourceMetrics metrics, string instrument, long expected)
    {
        var actual = metrics.Total(instrument);
        if (actual != expected) _problems.Add($"metric {instrument} is {actual}; expected {expected}");
    }

    private Dictionary<string, List<JsonElement>> GroupByPeer(IReadOnlyList<JsonElement> records, string file, IReadOnlyDictionary<string, PeerTraffic> peers)
    {
        var byPeer = new Dictionary<string, List<JsonElement>>();
        foreach (var record in records)
        {
            var source = record.TryGetProperty("source", out var s) ? s.GetString() : null;
            var peer = record.TryGetProperty("peer", out var p) ? p.GetString() : null;
            if (source != _source || peer is null || !peers.ContainsKey(peer))
            {
                _problems.Add($"{file}: a record from an unknown source or peer: {RawText(record)}");
                continue;
            }
            if (!byPeer.TryGetValue(peer, out var list)) byPeer[peer] = list = [];
            list.Add(record);
        }
        return byPeer;
    }

    private void VerifyConnection(string peer, PeerTraffic traffic, List<JsonElement> accepted, List<JsonElement> rejected,
        Dictionary<long, string> connectionOwners)
    {
        var where = $"peer {peer} (seed {traffic.Seed})";
        var connections = accepted.Concat(rejected).Select(r => r.GetProperty("connection").GetInt64()).Distinct().ToArray();
        if (connections.Length != 1)
            _problems.Add($"{where}: records name {connections.Length} connection numbers ({string.Join(", ", connections)}); expected one");
        foreach (var connection in connections)
            if (!connectionOwners.TryAdd(connection, peer) && connectionOwners[connection] != peer)
                _problems.Add($"{where}: connection number {connection} is also used by peer {connectionOwners[connection]}");

        CheckFileOrder(where, "frames.jsonl", accepted);
        CheckFileOrder(where, "quarantine.jsonl", rejected);

        var bySeq = new Dictionary<long, (JsonElement Record, bool Quarantined)>();
        foreach (var (record, quarantined) in accepted.Select(r => (r, false)).Concat(rejected.Select(r => (r, true))))
        {
            var seq = record.GetProperty("seq").GetInt64();
            if (!bySeq.TryAdd(seq, (record, quarantined))) _problems.Add($"{where}: seq {seq} is written more than once");
        }

        for (var i = 0; i < traffic.Frames.Count; i++)
        {
            var sent = traffic.Frames[i];
            var seq = i + 1L;
            var what = $"{where} frame seq {seq} ({(sent.IsGood ? "good" : sent.Reason)}, {sent.Frame.Length} bytes)";
            if (!bySeq.Remove(seq, out var found))
            {
                _problems.Add($"{what}: missing from both files");
                continue;
            }
            if (sent.IsGood) CheckAccepted(what, sent, found.Record, found.Quarantined);
            else CheckQuarantined(what, sent, found.Record, found.Quarantined);
        }
        foreach (var seq in bySeq.Keys.Order())
            _problems.Add($"{where}: a record with seq {seq}, but only {traffic.Frames.Count} frames were sent");
    }

    private void CheckFileOrder(string where, string file, List<JsonElement> records)
    {
        for (var i = 1; i < records.Count; i++)
        {
            var previous = records[i - 1].GetProperty("seq").GetInt64();
            var current = records[i].GetProperty("seq").GetInt64();
            if (current <= previous)
            {
                _problems.Add($"{where}: {file} has seq {current} after seq {previous}");
                return;
            }
        }
    }

    private void CheckAccepted(string what, SentFrame sent, JsonElement record, bool quarantined)
    {
        if (quarantined)
        {
            _problems.Add($"{what}: quarantined ({Property(record, "reason")}: {Property(record, "error")}); expected in frames.jsonl");
            return;
        }
        if (!record.TryGetProperty("receivedAt", out var at) || !at.TryGetDateTime(out _))
            _problems.Add($"{what}: receivedAt is missing or not a timestamp");
        if (!record.TryGetProperty("payload", out var payload))
        {
            _problems.Add($"{what}: no payload");
            return;
        }

        var problem = _payload switch
        {
            ExpectedPayload.Json => CheckJson(sent.Frame, payload),
            ExpectedPayload.Text => payload.ValueKind == JsonValueKind.String && payload.GetString() == FrameContent.Utf8.GetString(sent.Frame)
                ? null
                : $"payload {RawText(payload)}; expected the string {Shorten(FrameContent.Utf8.GetString(sent.Frame))}",
            _ => payload.ValueKind == JsonValueKind.String && payload.TryGetBytesFromBase64(out var bytes) && bytes.AsSpan().SequenceEqual(sent.Frame)
                ? null
                : $"payload {RawText(payload)}; expected base64 {Shorten(Convert.ToBase64String(sent.Frame))}",
        };
        if (problem is not null) _problems.Add($"{what}: {problem}");
    }

    private static string? CheckJson(byte[] frame, JsonElement payload)
    {
        using var expected = JsonDocument.Parse(frame);
        if (payload.ValueKind != expected.RootElement.ValueKind)
            return $"payload is a JSON {payload.ValueKind}; expected the frame's own {expected.RootElement.ValueKind}, not a string";
        // Byte for byte: the sink must write the frame as it came, not a re-serialisation of it.
        return JsonMarshal.GetRawUtf8Value(payload).SequenceEqual(frame)
            ? null
            : $"payload {RawText(payload)}; expected the frame as sent {Shorten(Encoding.UTF8.GetString(frame))}";
    }

    private void CheckQuarantined(string what, SentFrame sent, JsonElement record, bool quarantined)
    {
        if (!quarantined)
        {
            _problems.Add($"{what}: written to frames.jsonl as {RawText(record.GetProperty("payload"))}; expected quarantine with reason {sent.Reason}");
            return;
        }
        var reason = Property(record, "reason");
        var error = Property(record, "error");
        if (reason != sent.Reason) _problems.Add($"{what}: reason \"{reason}\" ({error}); expected \"{sent.Reason}\"");
        if (string.IsNullOrWhiteSpace(error)) _problems.Add($"{what}: no error text");
        if (sent.ErrorContains is { } text && error?.Contains(text, StringComparison.Ordinal) != true)
            _problems.Add($"{what}: error \"{error}\" does not mention {text}");
        if (record.TryGetProperty("payload", out _)) _problems.Add($"{what}: a quarantine record with a payload");
        if (sent.RawLength is not { } rawLength) return;

        var actualLength = record.TryGetProperty("rawLength", out var l) && l.TryGetInt64(out var n) ? n : -1;
        if (actualLength != rawLength) _problems.Add($"{what}: rawLength {actualLength}; expected {rawLength}");
        var expectedRaw = sent.Frame.AsSpan(0, Math.Min(sent.Frame.Length, RawLimit));
        if (!record.TryGetProperty("raw", out var raw) || !raw.TryGetBytesFromBase64(out var rawBytes) || !expectedRaw.SequenceEqual(rawBytes))
            _problems.Add($"{what}: raw is not the frame's first {expectedRaw.Length} bytes in base64");
    }

    private static string? Property(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The element as written, shortened; a record holding invalid UTF-8 (itself a finding) cannot be shown as text.</summary>
    private static string RawText(JsonElement element)
    {
        try
        {
            return Shorten(element.GetRawText());
        }
        catch (InvalidOperationException)
        {
            return "(JSON holding invalid UTF-8)";
        }
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + $"... ({text.Length} chars)";
}
