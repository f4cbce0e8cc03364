using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ActorNet.Sinks.Quarantine;

/// <summary>
/// The quarantine of a jsonl sink: the entries with an <c>error</c> in its file, and what reparse made of them in a
/// sidecar file next to it, <c>PATH.reparse</c>, one JSON object per line naming an entry (source, connection, seq,
/// receivedAt as written) with either <c>resolvedAt</c> or its new <c>error</c> and <c>reason</c>; the last line about
/// an entry wins.
/// <para>
/// Why a sidecar rather than rewriting the quarantine file with <c>resolvedAt</c> added: a running <c>actornet run</c>
/// keeps the file open for append. A rewrite (temporary file, fsync, rename) would leave it appending to the old,
/// unlinked file, and every frame it quarantined after the rename would be lost. The sidecar never touches the
/// quarantine file, so nothing in it can be lost, whatever is interrupted when. A sidecar line cut by a crash is
/// ignored when read (its entry counts as not yet reparsed, so the next run stores that entry's frame again: the one
/// duplicate a crash can cause) and the next append starts on a new line.
/// </para>
/// </summary>
public sealed class JsonlQuarantine : IQuarantineStore
{
    private static readonly JsonEncodedText SourceName = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText ConnectionName = JsonEncodedText.Encode("connection");
    private static readonly JsonEncodedText SeqName = JsonEncodedText.Encode("seq");
    private static readonly JsonEncodedText ReceivedAtName = JsonEncodedText.Encode("receivedAt");
    private static readonly JsonEncodedText ResolvedAtName = JsonEncodedText.Encode("resolvedAt");
    private static readonly JsonEncodedText ReparsedAtName = JsonEncodedText.Encode("reparsedAt");
    private static readonly JsonEncodedText ErrorName = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText ReasonName = JsonEncodedText.Encode("reason");

    private readonly string _path;
    private readonly HashSet<string> _resolved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Error, string Reason)> _reasons = new(StringComparer.Ordinal);

    public JsonlQuarantine(string path)
    {
        _path = path;
        SidecarPath = path + ".reparse";
        if (!File.Exists(path)) throw new FileNotFoundException($"the quarantine file {path} does not exist", path);
        ReadSidecar();
    }

    /// <summary>Where what reparse made of the entries is kept.</summary>
    public string SidecarPath { get; }

    public IEnumerable<QuarantinedFrame> Unresolved(DateTime? since)
    {
        // ReadWrite: a running actornet may be appending to the file; a line it is still writing is not whole JSON yet
        // and is skipped like any other unreadable line.
        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(file, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (ParseEntry(line) is not { } entry) continue;
            if (_resolved.Contains(entry.Key)) continue;
            if (since is { } from && entry.ReceivedAt < from) continue;
            if (_reasons.TryGetValue(entry.Key, out var latest)) entry = entry with { Error = latest.Error, Reason = latest.Reason };
            yield return entry;
        }
    }

    public void Mark(IReadOnlyList<QuarantinedFrame> resolved, DateTime resolvedAt, IReadOnlyList<StillFailing> stillFailing)
    {
        if (resolved.Count == 0 && stillFailing.Count == 0) return;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            foreach (var frame in resolved)
            {
                WriteIdentity(writer, frame);
                writer.WriteString(ResolvedAtName, resolvedAt);
                writer.WriteEndObject();
                writer.Flush();
                buffer.Write("\n"u8);
                writer.Reset();
            }
            foreach (var failing in stillFailing)
            {
                WriteIdentity(writer, failing.Frame);
                writer.WriteString(ReparsedAtName, resolvedAt);
                writer.WriteString(ErrorName, failing.Error);
                writer.WriteString(ReasonName, failing.Reason);
                writer.WriteEndObject();
                writer.Flush();
                buffer.Write("\n"u8);
                writer.Reset();
            }
        }

        using var sidecar = new FileStream(SidecarPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        sidecar.Seek(0, SeekOrigin.End);
        if (sidecar.Length > 0)
        {
            // A line cut by a crash must not swallow the first line written now.
            sidecar.Seek(-1, SeekOrigin.End);
            var last = sidecar.ReadByte();
            if (last != '\n') sidecar.Write("\n"u8);
        }
        sidecar.Write(buffer.WrittenSpan);
        sidecar.Flush(flushToDisk: true);

        foreach (var frame in resolved) _resolved.Add(frame.Key);
        foreach (var failing in stillFailing) _reasons[failing.Frame.Key] = (failing.Error, failing.Reason);
    }

    public void Dispose()
    {
    }

    private static void WriteIdentity(Utf8JsonWriter writer, QuarantinedFrame frame)
    {
        var (source, connection, seq, receivedAt) = SplitKey(frame.Key);
        writer.WriteStartObject();
        writer.WriteString(SourceName, source);
        writer.WriteNumber(ConnectionName, connection);
        writer.WriteNumber(SeqName, seq);
        // As written in the quarantine file, so that the key matches whatever precision the sink wrote.
        writer.WriteString(ReceivedAtName, receivedAt);
    }

    private void ReadSidecar()
    {
        if (!File.Exists(SidecarPath)) return;
        foreach (var line in File.ReadLines(SidecarPath))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var key = Key(root.GetProperty("source").GetString()!, root.GetProperty("connection").GetInt64(),
                    root.GetProperty("seq").GetInt64(), root.GetProperty("receivedAt").GetString()!);
                if (root.TryGetProperty("resolvedAt", out _))
                    _resolved.Add(key);
                else
                    _reasons[key] = (root.GetProperty("error").GetString()!, root.GetProperty("reason").GetString()!);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // A line cut by a crash in the middle of Mark: its entry counts as not reparsed yet (see the class comment).
            }
        }
    }

    /// <summary>The quarantine entry on <paramref name="line"/>; null for a data record or a line that is not whole JSON.</summary>
    private static QuarantinedFrame? ParseEntry(string line)
    {
        if (line.Length == 0) return null;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error)) return null;
            var source = root.GetProperty("source").GetString()!;
            var connection = root.GetProperty("connection").GetInt64();
            var seq = root.GetProperty("seq").GetInt64();
            var receivedAtText = root.GetProperty("receivedAt").GetString()!;
            var receivedAt = DateTime.Parse(receivedAtText, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            var raw = root.TryGetProperty("raw", out var rawValue) ? rawValue.GetBytesFromBase64() : [];
            var rawLength = root.TryGetProperty("rawLength", out var length) ? length.GetInt64() : raw.LongLength;
            return new QuarantinedFrame(source, connection, root.GetProperty("peer").GetString() ?? "", seq, receivedAt,
                error.GetString() ?? "", root.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "" : "",
                raw, rawLength, Key(source, connection, seq, receivedAtText))
            {
                ClientSubject = root.TryGetProperty("clientSubject", out var subject) ? subject.GetString() : null,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // Not an entry this reader understands (a line still being written, or a torn one): left as it is.
            return null;
        }
    }

    // Source names are validated (no line breaks), so a newline separates the parts unambiguously.
    private static string Key(string source, long connection, long seq, string receivedAt) =>
        string.Create(CultureInfo.InvariantCulture, $"{source}\n{connection}\n{seq}\n{receivedAt}");

    private static (string Source, long Connection, long Seq, string ReceivedAt) SplitKey(string key)
    {
        var parts = key.Split('\n');
        return (parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture), parts[3]);
    }
}
