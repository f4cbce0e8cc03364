using System.Globalization;
using System.Net.Sockets;

namespace ActorNet.Connections.Udp;

/// <summary>
/// The kernel's count of datagrams it dropped for one socket (a full receive buffer, mostly): the last column,
/// <c>drops</c>, of the socket's line in /proc/net/udp or /proc/net/udp6, found by the socket's inode. Linux only;
/// elsewhere, or when the line cannot be found, no value.
/// </summary>
internal sealed class UdpKernelDrops
{
    private readonly long _inode;
    private readonly string _table;

    private UdpKernelDrops(long inode, string table)
    {
        _inode = inode;
        _table = table;
    }

    /// <summary>The reader for <paramref name="socket"/>; null where /proc does not say (not Linux).</summary>
    public static UdpKernelDrops? For(Socket socket)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var fd = socket.SafeHandle.DangerousGetHandle().ToInt64();
        // /proc/self/fd/N links to "socket:[INODE]".
        var target = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        if (target is null || !TryParseInode(target, out var inode)) return null;
        return new UdpKernelDrops(inode, socket.AddressFamily == AddressFamily.InterNetworkV6 ? "/proc/net/udp6" : "/proc/net/udp");
    }

    /// <summary>The drops now; null when the socket's line is gone (the socket closed).</summary>
    public long? Read()
    {
        try
        {
            return Find(File.ReadAllText(_table), _inode);
        }
        catch (IOException)
        {
            return null;
        }
    }

    internal static bool TryParseInode(string linkTarget, out long inode)
    {
        inode = 0;
        const string prefix = "socket:[";
        return linkTarget.StartsWith(prefix, StringComparison.Ordinal) && linkTarget.EndsWith(']')
            && long.TryParse(linkTarget.AsSpan(prefix.Length, linkTarget.Length - prefix.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out inode);
    }

    /// <summary>
    /// The drops of the socket with <paramref name="inode"/> in the text of /proc/net/udp(6): after the header, one line
    /// per socket, "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops".
    /// </summary>
    internal static long? Find(string table, long inode)
    {
        foreach (var line in table.Split('\n').Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 13) continue;
            if (!long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out var lineInode) || lineInode != inode) continue;
            return long.TryParse(fields[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var drops) ? drops : null;
        }
        return null;
    }
}
