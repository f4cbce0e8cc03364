using ActorNet.Recording;
using ActorNet.Configuration;
using ActorNet.Protocol;
using Akka.Actor;

namespace ActorNet.Hosting.Replay;

/// <summary>
/// Reads a recording event by event and hands each read to its connection's <see cref="ReplayConnectionActor"/>
/// (started at the connection's first event, with its recorded id and peer, on the parser the live id used), at the
/// recorded pace times the speed, or as fast as the sinks acknowledge (at most <see cref="MaxReadsInFlight"/> reads
/// not yet acknowledged). Writes to peers (out records) are not replayed: nobody is there to receive them.
/// <code>
///   Replaying --recording read, every connection stopped--> done (result to the caller)
/// </code>
/// Reading the files happens in this actor: the replay's actor system does nothing else, and a read is a
/// buffered file read of one record at a time.
/// </summary>
internal sealed class ReplayActor : ReceiveActor, IWithTimers
{
    private const int MaxReadsInFlight = 1024;
    private readonly IReadOnlyDictionary<string, (SourceSettings Settings, IActorRef[] Parsers)> _sources;
    private readonly ReplayOptions _options;
    private readonly RecordingReader _reader;
    private readonly IEnumerator<RecordedEvent> _events;
    private readonly TaskCompletionSource<ReplayResult> _done;
    // Open by recorded source and id; running until each has stopped (closed ones finish their acknowledgements).
    private readonly Dictionary<(string Source, long Id), IActorRef> _open = [];
    private readonly HashSet<IActorRef> _running = [];
    private readonly HashSet<string> _sourcesSeen = new(StringComparer.Ordinal);
    private RecordedEvent? _next;
    private bool _ended;
    private int _inFlight;
    private long _reads;
    private long _bytes;
    private int _connectionCount;
    private DateTime _firstAt;
    private DateTime _startedAt;

    public ReplayActor(IReadOnlyDictionary<string, (SourceSettings, IActorRef[])> sources, ReplayOptions options, RecordingReader reader,
        TaskCompletionSource<ReplayResult> done)
    {
        _sources = sources;
        _options = options;
        _reader = reader;
        _events = reader.Events().Where(Wanted).GetEnumerator();
        _done = done;
        Receive<ReplayProtocol.Pump>(_ => Pump());
        Receive<ReplayProtocol.ReadsDone>(done =>
        {
            _inFlight -= done.Count;
            Pump();
        });
        Receive<Terminated>(t =>
        {
            _running.Remove(t.ActorRef);
            foreach (var key in _open.Where(c => c.Value.Equals(t.ActorRef)).Select(c => c.Key).ToList()) _open.Remove(key);
            CompleteIfDone();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyDictionary<string, (SourceSettings, IActorRef[])> sources, ReplayOptions options, RecordingReader reader,
        TaskCompletionSource<ReplayResult> done) =>
        Akka.Actor.Props.Create(() => new ReplayActor(sources, options, reader, done));

    private bool Wanted(RecordedEvent e) =>
        (_options.Source is null || e.Source == _options.Source) && (_options.ConnectionId is null || e.ConnectionId == _options.ConnectionId);

    protected override void PreStart()
    {
        _startedAt = DateTime.UtcNow;
        Self.Tell(ReplayProtocol.Pump.Instance);
    }

    protected override void PostStop() => _events.Dispose();

    private void Pump()
    {
        while (!_ended && _inFlight < MaxReadsInFlight)
        {
            if (_next is null)
            {
                if (!_events.MoveNext())
                {
                    End();
                    return;
                }
                _next = _events.Current;
                if (_reads == 0 && _connectionCount == 0) _firstAt = _next.At;
            }
            if (_options.Speed is { } speed)
            {
                var due = _startedAt + (_next.At - _firstAt) / speed;
                var wait = due - DateTime.UtcNow;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    Timers.StartSingleTimer(nameof(ReplayProtocol.Pump), ReplayProtocol.Pump.Instance, wait);
                    return;
                }
            }
            Dispatch(_next);
            _next = null;
        }
    }

    private void Dispatch(RecordedEvent e)
    {
        if (!_sources.TryGetValue(e.Source, out var source)) return;
        _sourcesSeen.Add(e.Source);
        var key = (e.Source, e.ConnectionId);
        if (!_open.TryGetValue(key, out var connection))
        {
            // A close or write of a connection whose reads were pruned from the recording has nothing to replay.
            if (e.Kind is RecordKind.Close or RecordKind.Out) return;
            // The open record carries the client certificate's subject; a connection whose open was pruned replays without it.
            var info = new ConnectionInfo(e.Source, e.ConnectionId, e.Peer) { ClientSubject = e.ClientSubject };
            connection = Context.ActorOf(ReplayConnectionActor.Props(info, source.Settings, source.Parsers[(int)(e.ConnectionId % source.Parsers.Length)]),
                $"connection-{_connectionCount}");
            Context.Watch(connection);
            _open[key] = connection;
            _running.Add(connection);
            _connectionCount++;
        }
        switch (e.Kind)
        {
            case RecordKind.In:
                _inFlight++;
                _reads++;
                _bytes += e.Data.Length;
                connection.Tell(new ReplayProtocol.Read(e.Data, e.At));
                break;
            case RecordKind.Close:
                connection.Tell(new ReplayProtocol.Closed(e.At, System.Text.Encoding.UTF8.GetString(e.Data)));
                // A later connection with the same id (another run of ActorNet recorded into the same directory) starts afresh.
                _open.Remove(key);
                break;
        }
    }

    private void End()
    {
        _ended = true;
        foreach (var connection in _running) connection.Tell(ReplayProtocol.Finish.Instance);
        CompleteIfDone();
    }

    private void CompleteIfDone()
    {
        if (!_ended || _running.Count > 0) return;
        _done.TrySetResult(new ReplayResult(_reads, _bytes, _connectionCount, _sourcesSeen.Order(StringComparer.Ordinal).ToArray(), _reader.TornTails.ToArray()));
        Context.Stop(Self);
    }
}
