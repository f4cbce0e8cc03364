using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ActorNet.IO;

/// <summary>
/// Which file a path names: its device and inode. A store that keeps a file open (SQLite) goes on writing into
/// it after the path is removed or replaced, and nothing it can query tells: only comparing what the path names
/// now with what it named when the file was opened does. A file source follows files by identity for the same
/// reason: a log rotated by rename keeps its inode under its new name, and the new file at the old path has
/// another. Linux only (the layout read here is the first two 64-bit fields of glibc's <c>struct stat</c> on
/// x86-64 and arm64); elsewhere <see cref="Of"/> returns null and the check is skipped.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    private static readonly bool Supported = OperatingSystem.IsLinux() && Environment.Is64BitProcess &&
                                             RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>The identity of the file <paramref name="path"/> names, or null when it names none (or on an unsupported platform).</summary>
    public static FileIdentity? Of(string path)
    {
        if (!Supported) return null;
        // struct stat is 144 bytes on x86-64 and 128 on arm64. One buffer per thread: checked once per batch.
        var buffer = _buffer ??= new byte[256];
        if (Stat(path, buffer) != 0) return null;
        return Read(buffer);
    }

    /// <summary>The identity of the open file <paramref name="handle"/>, whatever its path names now (null on an unsupported platform).</summary>
    public static FileIdentity? Of(SafeFileHandle handle)
    {
        if (!Supported) return null;
        var buffer = _buffer ??= new byte[256];
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (FStat((int)handle.DangerousGetHandle(), buffer) != 0) return null;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
        return Read(buffer);
    }

    private static FileIdentity Read(byte[] buffer) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(buffer), BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(8)));

    [ThreadStatic] private static byte[]? _buffer;

    /// <summary>True on a platform where <see cref="Of(string)"/> can tell files apart.</summary>
    public static bool CanCheck => Supported;

    public override string ToString() => $"{Device}:{Inode}";

    // glibc 2.33+ exports stat and fstat themselves (before, only __xstat); Debian 12 ships 2.36.
    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static extern int FStat(int fd, [Out] byte[] buffer);
}
