using ActorNet.IO;
using ActorNet.Configuration;
using ActorNet.Connections;
using ActorNet.Logging;
using ActorNet.Metrics;
using ActorNet.Monitoring;
using ActorNet.Protocol;
using Akka.Actor;
using Microsoft.Win32.SafeHandles;

namespace ActorNet.Files;

/// <summary>
/// A <c>type = file</c> source: the listener's part for files. Every poll-interval it lists the files its path or glob
/// names and matches them by identity (device and inode) with the files it follows: a file it does not follow yet gets a
/// <see cref="FileTailActor"/> (one connection per file, its peer the path), and a followed file the path no longer names
/// (renamed by a rotation, or removed) is told to finish (<see cref="FileSourceProtocol.Unfollow"/>). It owns the source's
/// checkpoint (<see cref="FileCheckpoint"/>), written whenever a tail reports a commit by every sink.
///
/// <code>
///   Following --Scan--> tails started and unfollowed; checkpoint of new files written
///   Following --Drain--> Draining --every tail stopped (each waits for its commits)--> Drained (reply)
/// </code>
/// Supervision: a tail that throws is restarted (the default directive) and reads again from the end of its last batch;
/// its file stays open across the restart. When the source itself restarts, its tails stop with it (the default): the new
/// incarnation follows the files again from the checkpoint, so nothing is lost and at most the uncommitted batches repeat.
/// </summary>
internal sealed class FileSourceActor : UntypedActor, IWithTimers
{
    private readonly SourceSettings _settings;
    private readonly FileSourceSettings _file;
    private readonly GlobPattern _glob;
    private readonly IReadOnlyList<IActorRef> _parsers;
    private readonly int _sinkSlots;
    private readonly SourceStatus _status;
    private readonly ProcessBudget _budget;
    private readonly Microsoft.Extensions.Logging.ILogger _log = ActorNetLogging.Get(Context.System).Listener;
    private readonly Dictionary<FileIdentity, Tail> _tails = [];
    // Files whose framing cannot go on (a bad length field): not followed again while they stay at the path.
    private readonly HashSet<FileIdentity> _givenUp = [];
    private FileCheckpoint _checkpoint = new();
    private bool _firstScan = true;
    private IActorRef? _drainRequester;

    public FileSourceActor(SourceSettings settings, IReadOnlyList<IActorRef> parsers, int sinkSlots, SourceStatus status, ProcessBudget budget)
    {
        _settings = settings;
        _file = settings.File ?? throw new ArgumentException($"source {settings.Name} is not a file source", nameof(settings));
        _glob = GlobPattern.Parse(_file.Path);
        _parsers = parsers;
        _sinkSlots = sinkSlots;
        _status = status;
        _budget = budget;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    internal static Props Props(SourceSettings settings, IReadOnlyList<IActorRef> parsers, int sinkSlots, SourceStatus status, ProcessBudget budget) =>
        Akka.Actor.Props.Create(() => new FileSourceActor(settings, parsers, sinkSlots, status, budget));

    private sealed class Tail(IActorRef actor, string peer)
    {
        public IActorRef Actor { get; } = actor;
        public string Peer { get; } = peer;
        public bool Unfollowed { get; set; }
    }

    protected override void PreStart()
    {
        if (!FileIdentity.CanCheck)
            throw new PlatformNotSupportedException($"source {_settings.Name}: file sources tell files apart by device and inode, which needs Linux on x86-64 or arm64");
        // A checkpoint that cannot be read stops the source (logged at Error, shown as stopped) rather than reading every file again.
        _checkpoint = FileCheckpoint.Load(_file.CheckpointFile);
        ActorKinds.Started(ActorKinds.Listener, Self);
        _status.SetState(SourceStates.Listening);
        _log.FollowingPath(_settings.Name, _file.Path, _file.CheckpointFile);
        Self.Tell(FileSourceProtocol.Scan.Instance);
        Timers.StartPeriodicTimer(nameof(FileSourceProtocol.Scan), FileSourceProtocol.Scan.Instance, _file.PollInterval);
    }

    protected override void PostRestart(Exception reason)
    {
        ActorKinds.Restarted(ActorKinds.Listener);
        base.PostRestart(reason);
    }

    protected override void PostStop()
    {
        ActorKinds.Stopped(Self);
        _status.SetState(SourceStates.Stopped);
    }

    protected override void OnReceive(object message) => Following(message);

    private void Following(object message)
    {
        switch (message)
        {
            case FileSourceProtocol.Scan:
                Scan();
                break;
            case ConnectionProtocol.Drain:
                _drainRequester = Sender;
                _status.SetState(SourceStates.Draining);
                Timers.CancelAll();
                Become(Draining);
                foreach (var tail in _tails.Values) tail.Actor.Tell(ConnectionProtocol.Drain.Instance);
                ReplyIfDrained();
                break;
            case ConnectionProtocol.WriteTo:
                Sender.Tell(ConnectionProtocol.ConnectionNotFound.Instance);
                break;
            case ConnectionProtocol.Broadcast:
                Sender.Tell(new ConnectionProtocol.BroadcastSent(0));
                break;
            default:
                if (!TailEvent(message)) Unhandled(message);
                break;
        }
    }

    private void Draining(object message)
    {
        if (TailEvent(message)) ReplyIfDrained();
    }

    private void ReplyIfDrained()
    {
        if (_tails.Count > 0 || _drainRequester is null) return;
        SaveCheckpoint();
        _log.SourceDrained(_settings.Name);
        _drainRequester.Tell(ConnectionProtocol.Drained.Instance);
        _drainRequester = null;
    }

    /// <summary>What tails report, in every phase; false for anything else.</summary>
    private bool TailEvent(object message)
    {
        switch (message)
        {
            case FileSourceProtocol.Committed committed:
                if (!_tails.ContainsKey(committed.File)) return true;
                _checkpoint.Set(committed.File, committed.Position);
                SaveCheckpoint();
                return true;
            case FileSourceProtocol.TailStopped stopped:
                if (_tails.Remove(stopped.File, out var tail))
                {
                    Context.Unwatch(tail.Actor);
                    _log.StoppedFollowing(_settings.Name, tail.Peer, ConnectionIdOf(tail), stopped.Reason);
                }
                if (stopped.GiveUp) _givenUp.Add(stopped.File);
                if (stopped.Finished && _checkpoint.Remove(stopped.File)) SaveCheckpoint();
                return true;
            case Terminated terminated:
                // A tail that stopped without saying so (it could not be restarted): the next scan follows its file again.
                foreach (var (file, gone) in _tails.Where(t => t.Value.Actor.Equals(terminated.ActorRef)).ToList())
                {
                    _tails.Remove(file);
                    _log.StoppedFollowing(_settings.Name, gone.Peer, ConnectionIdOf(gone), "stopped after a fault");
                }
                return true;
            default:
                return false;
        }
    }

    private static long ConnectionIdOf(Tail tail) =>
        long.TryParse(tail.Actor.Path.Name.AsSpan("file-".Length), out var id) ? id : 0;

    /// <summary>Matches what the path names now with the files followed, by identity (see the type's summary).</summary>
    private void Scan()
    {
        var found = new Dictionary<FileIdentity, string>();
        foreach (var path in _glob.Find())
            if (FileIdentity.Of(path) is { } file) found.TryAdd(file, path);

        foreach (var (file, tail) in _tails)
        {
            if (tail.Unfollowed || found.ContainsKey(file)) continue;
            tail.Unfollowed = true;
            tail.Actor.Tell(FileSourceProtocol.Unfollow.Instance);
        }
        _givenUp.IntersectWith(found.Keys);
        foreach (var (file, path) in found)
            if (!_tails.ContainsKey(file) && !_givenUp.Contains(file)) Follow(path);
        if (_firstScan)
        {
            // Files that left the path while ActorNet was not running: nothing will read them again.
            var gone = _checkpoint.Files.Keys.Where(f => !found.ContainsKey(f)).ToList();
            foreach (var file in gone) _checkpoint.Remove(file);
            if (gone.Count > 0) SaveCheckpoint();
        }
        _firstScan = false;
    }

    private void Follow(string path)
    {
        SafeFileHandle handle;
        try
        {
            // Delete too: a rotation may remove or rename the file while it is open here.
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.CannotOpen(_settings.Name, path, e.Message);
            return;
        }
        // The identity of what was opened, not of what the path named a moment before: a rotation may fall in between.
        if (FileIdentity.Of(handle) is not { } file || _tails.ContainsKey(file) || _givenUp.Contains(file))
        {
            handle.Dispose();
            return;
        }

        var length = RandomAccess.GetLength(handle);
        var (offset, seq) = Start(file, length);
        if (_checkpoint.Of(file) is null)
        {
            _checkpoint.Set(file, new FilePosition(path, offset, seq));
            SaveCheckpoint();
        }
        var id = ConnectionIds.Next();
        var info = new ConnectionInfo(_settings.Name, id, path);
        var connection = new ConnectionState(info, transport: null, _sinkSlots, _status,
            new InflightBytes(_settings.MaxInflightBytes, _settings.ReadBufferSize), _budget, firstSeq: seq + 1);
        var tail = Context.ActorOf(FileTailActor.Props(new FileTailState(connection, handle, file, offset), _settings,
            _parsers[(int)(id % _parsers.Count)]), $"file-{id}");
        Context.Watch(tail);
        _tails[file] = new Tail(tail, path);
        _log.FollowingFile(_settings.Name, path, file.ToString(), id, offset, seq + 1);
    }

    /// <summary>
    /// Where following <paramref name="file"/> starts: its checkpoint (from 0 when the file is now shorter than it: it was
    /// truncated meanwhile), else start-at for a file there at start-up and the beginning for one that appeared since.
    /// A new file's start is written to the checkpoint at once, so that a restart before its first commit starts there
    /// too rather than at start-at = end's new end.
    /// </summary>
    private (long Offset, long Seq) Start(FileIdentity file, long length)
    {
        if (_checkpoint.Of(file) is { } known) return (known.Offset <= length ? known.Offset : 0, known.Seq);
        var offset = _firstScan && _file.StartAt == FileStartAt.End ? length : 0;
        return (offset, 0);
    }

    // Written here, on the source's thread, before the next message: a write or two of a few hundred bytes and an fsync per
    // commit, which the window after a crash depends on (a checkpoint written later would widen it). Tails keep reading meanwhile.
    private void SaveCheckpoint()
    {
        try
        {
            _checkpoint.Save(_file.CheckpointFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.CheckpointNotSaved(e, _settings.Name, _file.CheckpointFile, e.Message);
        }
    }
}
