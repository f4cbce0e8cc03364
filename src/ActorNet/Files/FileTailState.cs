using ActorNet.IO;
using ActorNet.Connections;
using Microsoft.Win32.SafeHandles;

namespace ActorNet.Files;

/// <summary>
/// What outlives a file tail's restarts, as <see cref="ConnectionState"/> does for a socket (and including one: the
/// identity, seqs, acknowledgement bookkeeping and byte budget): the open file, the position the next read starts at,
/// and where the batches sent end in the file. The frame cutter and its partial frame are not kept: a restarted tail
/// reads the partial frame again from the file instead (<see cref="Position"/> goes back by its length), so a restart
/// loses nothing here, unlike a socket's.
/// </summary>
internal sealed class FileTailState(ConnectionState connection, SafeFileHandle handle, FileIdentity file, long position)
{
    public ConnectionState Connection { get; } = connection;

    /// <summary>Opened once; reading it goes on after the path is renamed or removed (the inode stays until closed).</summary>
    public SafeFileHandle Handle { get; } = handle;

    public FileIdentity File { get; } = file;

    /// <summary>The offset of the next byte to read.</summary>
    public long Position { get; set; } = position;

    public CommitPositions Commits { get; } = new();

    /// <summary>Bumped by every restart: a read an earlier incarnation started completes to the new one and is ignored.</summary>
    public int Generation { get; set; }

    public bool ReadPending { get; set; }

    /// <summary>The path no longer names this file: it is read to its end and let go.</summary>
    public bool Unfollowed { get; set; }
}
