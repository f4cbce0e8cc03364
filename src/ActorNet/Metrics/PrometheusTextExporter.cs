using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace ActorNet.Metrics;

/// <summary>
/// Listens to every instrument of the <see cref="Meter"/>s it is given (by default <see cref="ActorNetMetrics.MeterName"/>),
/// aggregates the measurements in memory and writes them on demand in the Prometheus text exposition format 0.0.4,
/// for a scrape endpoint; optionally followed by the conventional <c>process_*</c> series (see <see cref="ProcfsProcessSeries"/>).
/// </summary>
/// <remarks>
/// <para>
/// Names follow the OpenTelemetry-to-Prometheus conventions. Every character of the instrument name outside
/// <c>[a-zA-Z0-9_:]</c> (the dots) becomes <c>_</c>. A unit of <c>s</c> appends <c>_seconds</c> and a unit of
/// <c>By</c> appends <c>_bytes</c>, unless that word already is one of the name's <c>_</c>-separated words
/// (<c>actornet.bytes.received</c> stays <c>actornet_bytes_received</c>); other units add nothing. Counters end in
/// <c>_total</c>, placed after the unit word (a trailing <c>_total</c> in the instrument name is moved there, not
/// doubled).
/// </para>
/// <para>
/// <see cref="Counter{T}"/> and <see cref="ObservableCounter{T}"/> are counters; <see cref="UpDownCounter{T}"/> is a
/// gauge of its running sum; <see cref="ObservableUpDownCounter{T}"/>, <see cref="Gauge{T}"/> and
/// <see cref="ObservableGauge{T}"/> are gauges of the last value; <see cref="Histogram{T}"/> is a histogram whose
/// bucket bounds come from the instrument's advice, else from a default that suits seconds.
/// </para>
/// <para>
/// Measurements arrive on many threads. Each lands in a cell for its (instrument, tag set) that is found without a
/// lock or an allocation and is updated with <see cref="Interlocked"/>; only the first measurement of a new tag set
/// allocates. Scrapes are serialised among themselves and never block a measurement.
/// </para>
/// <para>
/// One file per part: this one listens and scrapes; <c>.Family</c> aggregates one instrument, <c>.Cell</c> one of its
/// tag sets, <c>.TagSet</c> and <c>.TagSetComparer</c> find a cell without allocating, <c>.Text</c> holds the
/// exposition format's rules for names, escaping and numbers.
/// </para>
/// <para>
/// <see cref="Shared"/> exports the <c>ActorNet</c> meter, .NET's own <c>System.Runtime</c> meter
/// (<see cref="RuntimeMeterName"/>: GC, heap, thread pool, CPU time, working set, exceptions, as <c>dotnet_*</c> series
/// named by the same rules, e.g. <c>dotnet.gc.collections</c> as <c>dotnet_gc_collections_total{gc_heap_generation="gen0"}</c>)
/// and the process series read from <c>/proc</c>. Every series is listed in deploy/prometheus/METRICS.md.
/// </para>
/// <para>
/// An exporter sees only measurements made after it starts listening. For counters that only shifts the start; for an
/// <see cref="UpDownCounter{T}"/> it is wrong for good: a connection opened before and closed after counts −1. ActorNet's
/// operations endpoints therefore export <see cref="Shared"/>, which <c>ActorNetService.Start</c> creates before any
/// actor runs.
/// </para>
/// </remarks>
public sealed partial class PrometheusTextExporter : IDisposable
{
    /// <summary>The Content-Type of what <see cref="WriteTo"/> writes, for the HTTP response.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    // Request latencies from half a millisecond to ten seconds: the range a sink write or a connect attempt spans.
    private static readonly double[] DefaultBucketBounds =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly Dictionary<Type, (Aggregation Aggregation, string Type)> Kinds = new()
    {
        [typeof(Counter<>)] = (Aggregation.MonotonicSum, "counter"),
        // An observable counter reports its cumulative value: keep the last report, never add reports up.
        [typeof(ObservableCounter<>)] = (Aggregation.LastValue, "counter"),
        [typeof(UpDownCounter<>)] = (Aggregation.Sum, "gauge"),
        [typeof(ObservableUpDownCounter<>)] = (Aggregation.LastValue, "gauge"),
        [typeof(Gauge<>)] = (Aggregation.LastValue, "gauge"),
        [typeof(ObservableGauge<>)] = (Aggregation.LastValue, "gauge"),
        [typeof(Histogram<>)] = (Aggregation.Histogram, "histogram"),
    };

    /// <summary>The meter the .NET runtime (9 and later) publishes its own instruments on.</summary>
    public const string RuntimeMeterName = "System.Runtime";

    private static readonly Lazy<PrometheusTextExporter> SharedExporter =
        new(() => new PrometheusTextExporter([ActorNetMetrics.MeterName, RuntimeMeterName], ProcfsProcessSeries.ForCurrentProcess(), shared: true));

    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, Family> _families = new();

    // One listener per observable instrument, so that a scrape knows which callback threw: a listener's
    // RecordObservableInstruments reports failures as one AggregateException that does not name the instruments.
    private readonly ConcurrentQueue<MeterListener> _observers = new();

    private readonly Lock _scrapeGate = new();
    private readonly bool _shared;
    private readonly HashSet<string> _meterNames;
    private readonly ProcfsProcessSeries? _process;
    private long _published;
    private bool _disposed;

    // Numbers the scrapes. Observable instruments report only inside RecordObservableInstruments, on the scraping
    // thread under _scrapeGate, so their cells can stamp it without a barrier.
    private long _scrape;

    /// <summary>Starts listening to the instruments of the meter named <paramref name="meterName"/>.</summary>
    /// <param name="meterName">
    /// The meter to export; tests pass the unique name of their own <see cref="Meter"/> so that they do not see the
    /// process-wide one.
    /// </param>
    public PrometheusTextExporter(string meterName = ActorNetMetrics.MeterName)
        : this([meterName], process: null, shared: false)
    {
    }

    /// <summary>Starts listening to the instruments of every meter in <paramref name="meterNames"/>.</summary>
    /// <param name="meterNames">The meters to export, e.g. <see cref="ActorNetMetrics.MeterName"/> and <see cref="RuntimeMeterName"/>.</param>
    /// <param name="process">The <c>process_*</c> series written after the meters' families; null for none.</param>
    public PrometheusTextExporter(IReadOnlyCollection<string> meterNames, ProcfsProcessSeries? process)
        : this(meterNames, process, shared: false)
    {
    }

    private PrometheusTextExporter(IReadOnlyCollection<string> meterNames, ProcfsProcessSeries? process, bool shared)
    {
        ArgumentNullException.ThrowIfNull(meterNames);
        if (meterNames.Count == 0) throw new ArgumentException("at least one meter name is needed", nameof(meterNames));
        foreach (var name in meterNames) ArgumentException.ThrowIfNullOrEmpty(name, nameof(meterNames));
        MeterNames = [.. meterNames];
        _meterNames = new HashSet<string>(meterNames, StringComparer.Ordinal);
        _process = process;
        _shared = shared;
        _listener = Listener(OnInstrumentPublished);
        _listener.Start();
    }

    /// <summary>
    /// The process-wide exporter of the <c>ActorNet</c> meter, created (and listening) the first time it is asked
    /// for; it lives as long as the process and <see cref="Dispose"/> leaves it listening. <c>ActorNetService.Start</c>
    /// asks for it when <c>actornet.http.enabled</c>, before any actor runs, so that the gauges built on
    /// <see cref="UpDownCounter{T}"/> (open connections, frames in flight, sink backlogs) count from zero whichever way
    /// the operations endpoints are started later.
    /// </summary>
    public static PrometheusTextExporter Shared => SharedExporter.Value;

    /// <summary>The names of the meters whose instruments are exported.</summary>
    public IReadOnlyList<string> MeterNames { get; }

    /// <summary>
    /// Samples the observable instruments, then writes every metric family: <c># HELP</c> (when the instrument has
    /// a description) and <c># TYPE</c> once, then one line per tag set, sorted. A family without measurements yet
    /// is written with its header lines only.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The exporter was disposed.</exception>
    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        lock (_scrapeGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _scrape++;
            var families = _families.Values.ToList();
            List<string>? failedCallbacks = null;
            foreach (var family in families)
            {
                if (!family.Observe())
                {
                    (failedCallbacks ??= []).Add(family.InstrumentName);
                }
            }

            families.Sort(static (a, b) => a.Name == b.Name ? a.Order.CompareTo(b.Order) : string.CompareOrdinal(a.Name, b.Name));
            Family? header = null;
            foreach (var family in families)
            {
                if (header is null || header.Name != family.Name)
                {
                    header = family;
                    writer.Write(family.Header);
                }
                else if (header.Type != family.Type)
                {
                    // Two instruments map to one name with different types; Prometheus would reject the whole
                    // family, so the one published later is left out.
                    continue;
                }

                family.WriteSamples(writer, _scrape);
            }

            // After the families: process_* sorts after actornet_* and dotnet_*, so the shared exposition stays in name order.
            _process?.WriteTo(writer);

            // The instrument's name only: /metrics needs no token, and an exception's message may say anything (a
            // connection string, a path). Scrapers ignore comments.
            failedCallbacks?.Sort(StringComparer.Ordinal);
            foreach (var instrument in failedCallbacks ?? [])
            {
                writer.Write("# observable instrument callback failed: ");
                writer.Write(Escape(instrument, quotes: false));
                writer.Write('\n');
            }
        }
    }

    /// <summary>What <see cref="WriteTo"/> writes, as a string.</summary>
    public string Scrape()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        WriteTo(writer);
        return writer.ToString();
    }

    /// <summary>Stops listening; measurements made afterwards are not seen. Does nothing to <see cref="Shared"/>.</summary>
    public void Dispose()
    {
        lock (_scrapeGate)
        {
            if (_disposed || _shared)
            {
                return;
            }

            _disposed = true;
            _listener.Dispose();
            foreach (var observer in _observers)
            {
                observer.Dispose();
            }
        }
    }

    // A listener that hands every measurement to the Family given as the state of EnableMeasurementEvents.
    private MeterListener Listener(Action<Instrument, MeterListener> published)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = published,
            // The meter was disposed (or this listener was): its metrics leave the exposition.
            MeasurementsCompleted = (instrument, _) => _families.TryRemove(instrument, out Family? _),
        };
        listener.SetMeasurementEventCallback<byte>(static (_, value, tags, family) => ((Family)family!).Record(value, tags));
        listener.SetMeasurementEventCallback<short>(static (_, value, tags, family) => ((Family)family!).Record(value, tags));
        listener.SetMeasurementEventCallback<int>(static (_, value, tags, family) => ((Family)family!).Record(value, tags));
        listener.SetMeasurementEventCallback<long>(static (_, value, tags, family) => ((Family)family!).Record(value, tags));
        listener.SetMeasurementEventCallback<float>(static (_, value, tags, family) => ((Family)family!).Record(value, tags));
        listener.SetMeasurementEventCallback<double>(static (_, value, tags, family) => ((Family)family!).Record(value, tags));
        listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, family) => ((Family)family!).Record((double)value, tags));
        return listener;
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!_meterNames.Contains(instrument.Meter.Name) || !instrument.GetType().IsGenericType
            || !Kinds.TryGetValue(instrument.GetType().GetGenericTypeDefinition(), out var kind))
        {
            return;
        }

        var family = new Family(this, instrument, kind.Aggregation, kind.Type, Interlocked.Increment(ref _published));
        _families[instrument] = family;
        if (!instrument.IsObservable)
        {
            listener.EnableMeasurementEvents(instrument, family);
            return;
        }

        // Start calls back for every instrument already published, this one included.
        var observer = Listener((published, self) =>
        {
            if (ReferenceEquals(published, instrument))
            {
                self.EnableMeasurementEvents(published, family);
            }
        });
        family.Observer = observer;
        lock (_scrapeGate)
        {
            if (_disposed)
            {
                observer.Dispose();
                return;
            }

            _observers.Enqueue(observer);
        }

        observer.Start();
    }

    private enum Aggregation
    {
        MonotonicSum,
        Sum,
        LastValue,
        Histogram,
    }
}
