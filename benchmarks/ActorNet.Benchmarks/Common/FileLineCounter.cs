namespace ActorNet.Benchmarks.Common;

/// <summary>
/// Counts the newlines of a file that another process appends to, reading only what was added since the last
/// call: a poll every 10 ms over a file of hundreds of MiB would otherwise reread it all each time and take the
/// cores the servers under test need. The file may not exist yet (a server creates it on its first write).
/// Only complete lines count: a line whose newline has not been written yet is not a record yet.
/// </summary>
public sealed class FileLineCounter : IDisposable
{
    private readonly string _path;
    private readonly byte[] _buffer = new byte[256 * 1024];
    private FileStream? _file;

    public FileLineCounter(string path)
    {
        _path = path;
    }

    /// <summary>Newlines counted so far.</summary>
    public long Lines { get; private set; }

    /// <summary>Bytes read so far.</summary>
    public long Bytes { get; private set; }

    /// <summary>Reads what was appended since the last call and returns the newline count.</summary>
    public long Update()
    {
        if (_file is null)
        {
            try
            {
                // The writer holds the file open for append; share everything so that neither side is refused.
                _file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            }
            catch (FileNotFoundException)
            {
                return Lines;
            }
            catch (DirectoryNotFoundException)
            {
                return Lines;
            }
        }

        int read;
        while ((read = _file.Read(_buffer)) > 0)
        {
            Bytes += read;
            Lines += _buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return Lines;
    }

    public void Dispose() => _file?.Dispose();
}
