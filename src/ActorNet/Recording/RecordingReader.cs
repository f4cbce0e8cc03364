using System.Buffers.Binary;
using System.Text;

namespace ActorNet.Recording;

/// <summary>Where reading a recording file stopped before its end: a record torn by a crash, or damage.</summary>
public sealed record TornTail(string File, long Offset, string Reason);

/// <summary>
/// Reads every <c>.anrec</c> file under a directory (a source's directory, or the <c>dir</c> above several), one
/// source directory after another and each in file-name (time) order, record by record (see
/// <see cref="RecordingFormat"/>). A record whose length or CRC does not check ends its file: it is listed in
/// <see cref="TornTails"/> and reading goes on with the next file.
/// </summary>
public sealed class RecordingReader
{
    private readonly List<TornTail> _tornTails = [];

    public RecordingReader(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"no recording directory {dir}");
        Files = Directory.EnumerateFiles(dir, "*" + RecordingFormat.Extension, SearchOption.AllDirectories)
            .OrderBy(f => Path.GetDirectoryName(f), StringComparer.Ordinal)
            .ThenBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToArray();
    }

    public IReadOnlyList<string> Files { get; }

    /// <summary>The files that ended in a record that did not check, so far.</summary>
    public IReadOnlyList<TornTail> TornTails => _tornTails;

    /// <summary>Every whole record, file after file.</summary>
    public IEnumerable<RecordedEvent> Events()
    {
        foreach (var file in Files)
            foreach (var recorded in EventsOf(file))
                yield return recorded;
    }

    private IEnumerable<RecordedEvent> EventsOf(string file)
    {
        FileStream stream;
        try
        {
            // Delete shared: the live recorder may prune a file while it is being replayed or exported.
            stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        }
        catch (FileNotFoundException)
        {
            yield break;
        }
        using (stream)
        {
            var source = ReadHeader(stream, file, out var version);
            if (source is null) yield break;
            var head = new byte[8];
            // Kind, time, connection id and peer length; then the peer, read into a buffer that only grows.
            var fixedPart = new byte[19];
            var peer = new byte[256];
            // Incremental: the CRC covers the parts read one after the other (IO/Crc32 is the one-shot form).
            var crc32 = new System.IO.Hashing.Crc32();
            while (true)
            {
                var offset = stream.Position;
                var got = ReadFully(stream, head);
                if (got == 0) yield break;
                if (got < head.Length)
                {
                    Torn(file, offset, $"{got} bytes left, less than a record header");
                    yield break;
                }
                var length = BinaryPrimitives.ReadUInt32LittleEndian(head);
                var crc = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(4));
                if (length < 19 || length > RecordingFormat.MaxBody || length > stream.Length - stream.Position)
                {
                    Torn(file, offset, $"record length {length} with {stream.Length - stream.Position} bytes left in the file");
                    yield break;
                }
                // The data is read straight into the array the event keeps (no second copy of a read's bytes), the CRC
                // computed over the parts.
                crc32.Reset();
                if (ReadFully(stream, fixedPart) < fixedPart.Length)
                {
                    Torn(file, offset, "CRC mismatch");
                    yield break;
                }
                crc32.Append(fixedPart);
                var peerLength = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart.AsSpan(17));
                var rest = (int)length - fixedPart.Length;
                var peerPart = Math.Min(peerLength, rest);
                if (peer.Length < peerPart) peer = new byte[peerPart];
                var data = new byte[rest - peerPart];
                if (ReadFully(stream, peer, peerPart) < peerPart || ReadFully(stream, data) < data.Length)
                {
                    Torn(file, offset, "CRC mismatch");
                    yield break;
                }
                crc32.Append(peer.AsSpan(0, peerPart));
                crc32.Append(data);
                if (crc32.GetCurrentHashAsUInt32() != crc)
                {
                    Torn(file, offset, "CRC mismatch");
                    yield break;
                }
                if (peerPart < peerLength)
                {
                    Torn(file, offset, $"peer length {peerLength} past the record's {length} bytes");
                    yield break;
                }
                var kind = (RecordKind)fixedPart[0];
                string? clientSubject = null;
                var datagrams = false;
                if (kind == RecordKind.Open && !RecordingFormat.TryReadOpenData(version, data, out data, out clientSubject, out datagrams))
                {
                    Torn(file, offset, "open record whose data is not ActorNet's address, flags and a client subject");
                    yield break;
                }
                yield return new RecordedEvent(
                    source,
                    kind,
                    new DateTime(BinaryPrimitives.ReadInt64LittleEndian(fixedPart.AsSpan(1)), DateTimeKind.Utc),
                    BinaryPrimitives.ReadInt64LittleEndian(fixedPart.AsSpan(9)),
                    Encoding.UTF8.GetString(peer, 0, peerLength),
                    data) { ClientSubject = clientSubject, Datagrams = datagrams };
            }
        }
    }

    /// <summary>The source a recording file belongs to, from its header; null when it is not a readable recording file.</summary>
    public static string? SourceOf(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return ReadHeader(stream, out _, out _);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private string? ReadHeader(Stream stream, string file, out byte version)
    {
        var source = ReadHeader(stream, out var error, out version);
        if (source is null) Torn(file, 0, error!);
        return source;
    }

    private static string? ReadHeader(Stream stream, out string? error, out byte version)
    {
        error = null;
        version = 0;
        var fixedPart = new byte[RecordingFormat.Magic.Length + 3];
        if (ReadFully(stream, fixedPart) < fixedPart.Length || !fixedPart.AsSpan(0, RecordingFormat.Magic.Length).SequenceEqual(RecordingFormat.Magic))
        {
            error = "not a recording file (no ANREC header)";
            return null;
        }
        version = fixedPart[RecordingFormat.Magic.Length];
        if (version is not (RecordingFormat.Version or RecordingFormat.VersionWithoutClientSubject))
        {
            error = $"format version {version}, expected {RecordingFormat.VersionWithoutClientSubject} or {RecordingFormat.Version}";
            return null;
        }
        var name = new byte[BinaryPrimitives.ReadUInt16LittleEndian(fixedPart.AsSpan(RecordingFormat.Magic.Length + 1))];
        if (ReadFully(stream, name) < name.Length)
        {
            error = "header cut short";
            return null;
        }
        return Encoding.UTF8.GetString(name);
    }

    private void Torn(string file, long offset, string reason) => _tornTails.Add(new TornTail(file, offset, reason));

    private static int ReadFully(Stream stream, byte[] buffer) => ReadFully(stream, buffer, buffer.Length);

    private static int ReadFully(Stream stream, byte[] buffer, int count)
    {
        var total = 0;
        while (total < count)
        {
            var n = stream.Read(buffer, total, count - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
