using System.Collections.Concurrent;
using ActorNet.Monitoring;

namespace ActorNet.Http.Dashboard;

/// <summary>
/// Frames per second of every source over the last minutes, sampled on the server so that a page opened now
/// shows the recent past too. Every <see cref="Interval"/> it reads each source's
/// <see cref="SourceStatus.FramesReceived"/> and keeps the rate since the previous sample in a ring of
/// <see cref="Capacity"/> points per source (300 × 1 s = 5 minutes). Its timer holds the status (and through it
/// every connection's actor) until <see cref="Dispose"/>: the operations server leaves it to its DI container.
/// </summary>
public sealed class RateHistory : IDisposable
{
    // The samplers whose timer runs, so that a spec can tell that a server which failed to start left none behind.
    private static readonly ConcurrentDictionary<RateHistory, byte> Running = new();

    private readonly ActorNetStatus _status;
    private readonly Dictionary<string, Ring> _rings = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private Timer? _timer;
    private bool _disposed;

    public RateHistory(ActorNetStatus status, int capacity = 300, TimeSpan? interval = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _status = status;
        Capacity = capacity;
        Interval = interval ?? TimeSpan.FromSeconds(1);
    }

    public int Capacity { get; }
    public TimeSpan Interval { get; }

    /// <summary>Samples now and then every <see cref="Interval"/> until disposed.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_timer is not null) return;
            _timer = new Timer(_ => Sample(DateTime.UtcNow), null, TimeSpan.Zero, Interval);
            Running.TryAdd(this, 0);
        }
    }

    /// <summary>How many samplers of <paramref name="status"/> are running (started and not disposed).</summary>
    internal static int RunningFor(ActorNetStatus status) => Running.Keys.Count(history => history._status == status);

    /// <summary>
    /// Takes one sample at <paramref name="at"/>: a source's first sample only sets its baseline; later ones
    /// add the rate since the previous sample.
    /// </summary>
    public void Sample(DateTime at)
    {
        var sources = _status.Sources;
        lock (_gate)
        {
            foreach (var source in sources)
            {
                if (!_rings.TryGetValue(source.Name, out var ring)) _rings[source.Name] = ring = new Ring(Capacity);
                ring.Add(at, source.FramesReceived);
            }
        }
    }

    /// <summary>Each source's points, oldest first, in configuration order.</summary>
    public IReadOnlyList<SourceRates> Snapshot()
    {
        var order = _status.Sources.Select(s => s.Name).ToArray();
        lock (_gate)
        {
            return order
                .Where(_rings.ContainsKey)
                .Select(name => new SourceRates(name, _rings[name].Points()))
                .ToArray();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
            Running.TryRemove(this, out _);
        }
    }

    /// <summary>A fixed-size ring of (time, rate) points for one source.</summary>
    private sealed class Ring(int capacity)
    {
        private readonly RatePoint[] _points = new RatePoint[capacity];
        private int _next;
        private int _count;
        private DateTime _lastAt;
        private long _lastFrames = -1;

        public void Add(DateTime at, long frames)
        {
            var elapsed = (at - _lastAt).TotalSeconds;
            if (_lastFrames >= 0 && elapsed > 0)
            {
                _points[_next] = new RatePoint(at, Math.Max(0, frames - _lastFrames) / elapsed);
                _next = (_next + 1) % _points.Length;
                _count = Math.Min(_count + 1, _points.Length);
            }
            _lastAt = at;
            _lastFrames = frames;
        }

        public RatePoint[] Points()
        {
            var points = new RatePoint[_count];
            var first = (_next - _count + _points.Length) % _points.Length;
            for (var i = 0; i < _count; i++) points[i] = _points[(first + i) % _points.Length];
            return points;
        }
    }
}

/// <param name="At">When the sample was taken (UTC).</param>
/// <param name="FramesPerSecond">Frames received per second since the previous sample.</param>
public readonly record struct RatePoint(DateTime At, double FramesPerSecond);

public sealed record SourceRates(string Source, IReadOnlyList<RatePoint> Points);
