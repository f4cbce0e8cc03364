using ActorNet.IO;
using System.Globalization;
using System.Text;

namespace ActorNet.Files;

/// <summary>Where reading file <see cref="FileIdentity"/> resumes: after byte <see cref="Offset"/>, with seq <see cref="Seq"/> + 1.</summary>
/// <param name="Path">Where the file was found (its peer); informative, files are matched by identity.</param>
/// <param name="Offset">The offset after the last frame every sink of the source has committed.</param>
/// <param name="Seq">The seq of that frame (0: none yet).</param>
internal sealed record FilePosition(string Path, long Offset, long Seq);

/// <summary>
/// A file source's checkpoint: per followed file (device and inode) the position every sink has committed. One text
/// file per source, one line per file:
/// <code>
///   # actornet file checkpoint 1: device inode offset seq path
///   2049 1835011 52640 812 /var/log/vendor/a.log
/// </code>
/// Saved by writing a temporary file next to it, fsyncing it, renaming it over the old one and fsyncing the directory:
/// a crash leaves either the old checkpoint or the new one, never a torn one. Pure but for <see cref="Load"/> and
/// <see cref="Save"/>.
/// </summary>
internal sealed class FileCheckpoint
{
    private const string Header = "# actornet file checkpoint 1: device inode offset seq path";
    private readonly Dictionary<FileIdentity, FilePosition> _files = [];

    public IReadOnlyDictionary<FileIdentity, FilePosition> Files => _files;

    public FilePosition? Of(FileIdentity file) => _files.GetValueOrDefault(file);

    public void Set(FileIdentity file, FilePosition position) => _files[file] = position;

    public bool Remove(FileIdentity file) => _files.Remove(file);

    public string Format()
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var (file, position) in _files.OrderBy(f => f.Value.Path, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $"{file.Device} {file.Inode} {position.Offset} {position.Seq} {position.Path}\n");
        return text.ToString();
    }

    /// <summary>Reads a checkpoint's text; throws <see cref="InvalidDataException"/> naming the line that cannot be read.</summary>
    public static FileCheckpoint Parse(string text, string origin)
    {
        var checkpoint = new FileCheckpoint();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split(' ', 5);
            if (fields.Length != 5
                || !ulong.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var device)
                || !ulong.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
                || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                || !long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
                throw new InvalidDataException($"{origin}: line {i + 1} \"{line}\" is not valid; expected \"device inode offset seq path\" " +
                                               "(move the file away to read every file from start-at again)");
            checkpoint.Set(new FileIdentity(device, inode), new FilePosition(fields[4], offset, seq));
        }
        return checkpoint;
    }

    /// <summary>The checkpoint in <paramref name="file"/>, empty when there is none yet.</summary>
    public static FileCheckpoint Load(string file) =>
        File.Exists(file) ? Parse(File.ReadAllText(file), file) : new FileCheckpoint();

    /// <summary>Replaces <paramref name="file"/> atomically and durably (see the type's summary).</summary>
    public void Save(string file)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        Directory.CreateDirectory(directory);
        var temporary = file + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(Format()));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, file, overwrite: true);
        SyncDirectory(directory);
    }

    // The rename is durable only once the directory is: without this a power loss could bring back the old checkpoint
    // (duplicates, not loss, but more than the documented window).
    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        // .NET refuses to open a directory, so libc's open and fsync it is.
        var fd = Open(directory, 0x10000 /* O_RDONLY | O_DIRECTORY */);
        if (fd < 0) return;
        FSync(fd);
        Close(fd);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FSync(int fd);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
