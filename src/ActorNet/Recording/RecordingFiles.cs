using ActorNet.Configuration;
using Microsoft.Extensions.Logging;

namespace ActorNet.Recording;

/// <summary>
/// A source's recording directory, written by its recorder's writer thread only: appends records to the current
/// file, starts the next at file-size, and deletes the oldest files past max-size or max-age. The directory's
/// total stays within max-size because room for a whole next file is made before it is started. After a failure
/// the current file is abandoned (its tail may be torn, which readers skip) and the next append starts a new one.
/// </summary>
internal sealed class RecordingFiles : IDisposable
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromSeconds(30);
    private readonly RecordSettings _settings;
    private readonly string _source;
    private readonly ILogger _log;
    private FileStream? _file;
    private string? _path;
    private long _size;
    private int _sequence;
    private DateTime _nextPrune;
    private readonly int _headerLength;

    public RecordingFiles(RecordSettings settings, string source, ILogger log)
    {
        _settings = settings;
        _source = source;
        _log = log;
        Dir = Path.Combine(settings.Dir, source);
        _headerLength = RecordingFormat.FileHeader(source).Length;
    }

    public string Dir { get; }

    /// <summary>The file being written, once one is open.</summary>
    public string? CurrentFile => _path;

    /// <summary>Whether <paramref name="bytes"/> more fit in the current file (or a new one) within file-size.</summary>
    public bool Fits(int bytes) => (_file is null ? _headerLength : _size) + bytes <= _settings.FileSize;

    /// <summary>Appends whole records (one write); starts the next file first when they do not fit in this one.</summary>
    /// <exception cref="IOException">Also <see cref="UnauthorizedAccessException"/>: the caller counts and drops.</exception>
    public void Append(ReadOnlySpan<byte> records)
    {
        if (_file is not null && _size + records.Length > _settings.FileSize) Close();
        _file ??= Open();
        _file.Write(records);
        _size += records.Length;
    }

    /// <summary>The writer has nothing queued: hands anything buffered to the OS, and prunes when it is time.</summary>
    public void Flush()
    {
        _file?.Flush();
        if (DateTime.UtcNow >= _nextPrune) Prune(reserve: 0);
    }

    /// <summary>Abandons the current file after a failure; disposing may fail again (its buffer cannot be written).</summary>
    public void Abandon()
    {
        var file = _file;
        _file = null;
        _path = null;
        try
        {
            file?.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The buffered tail is lost with the failure that caused it; the records were counted as dropped.
        }
    }

    private void Close()
    {
        var file = _file;
        _file = null;
        _path = null;
        file?.Dispose();
    }

    private FileStream Open()
    {
        Directory.CreateDirectory(Dir);
        Prune(reserve: _settings.FileSize);
        var path = Path.Combine(Dir, $"{DateTime.UtcNow:yyyyMMdd'T'HHmmssfffffff}-{_sequence++:D6}{RecordingFormat.Extension}");
        // Unbuffered: the writer hands over whole blocks of records, each one write(2).
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
        try
        {
            var header = RecordingFormat.FileHeader(_source);
            file.Write(header);
            _size = header.Length;
        }
        catch
        {
            file.Dispose();
            throw;
        }
        _path = path;
        return file;
    }

    /// <summary>Deletes files past max-age, then the oldest until the directory has <paramref name="reserve"/> bytes of room under max-size.</summary>
    private void Prune(long reserve)
    {
        _nextPrune = DateTime.UtcNow + PruneEvery;
        if (!Directory.Exists(Dir)) return;
        var files = new DirectoryInfo(Dir).EnumerateFiles("*" + RecordingFormat.Extension)
            .Where(f => f.FullName != _path)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        var total = files.Sum(f => f.Length) + (_file is null ? 0 : _size);
        var tooOld = _settings.MaxAge is { } maxAge ? DateTime.UtcNow - maxAge : DateTime.MinValue;
        foreach (var file in files)
        {
            var old = file.LastWriteTimeUtc < tooOld;
            if (!old && total + reserve <= _settings.MaxSize) continue;
            try
            {
                file.Delete();
                total -= file.Length;
                _log.Deleted(_source, file.FullName, old ? "older than max-age" : "max-size");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone already, or not ours to delete: the next prune tries again.
            }
        }
    }

    public void Dispose() => Close();
}
