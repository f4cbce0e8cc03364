using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace ActorNet.Metrics;

/// <summary>
/// Listens to every instrument of one <see cref="Meter"/> (by default <see cref="ActorNetMetrics.MeterName"/>),
/// aggregates the measurements in memory and writes them on demand in the Prometheus text exposition format 0.0.4,
/// for a scrape endpoint.
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
/// An exporter sees only measurements made after it starts listening. For counters that only shifts the start; for an
/// <see cref="UpDownCounter{T}"/> it is wrong for good: a connection opened before and closed after counts −1. ActorNet's
/// operations endpoints therefore export <see cref="Shared"/>, which <c>ActorNetService.Start</c> creates before any
/// actor runs.
/// </para>
/// </remarks>
public sealed class PrometheusTextExporter : IDisposable
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

    private static readonly Lazy<PrometheusTextExporter> SharedExporter = new(() => new PrometheusTextExporter(ActorNetMetrics.MeterName, shared: true));

    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, Family> _families = new();

    // One listener per observable instrument, so that a scrape knows which callback threw: a listener's
    // RecordObservableInstruments reports failures as one AggregateException that does not name the instruments.
    private readonly ConcurrentQueue<MeterListener> _observers = new();

    private readonly Lock _scrapeGate = new();
    private readonly bool _shared;
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
        : this(meterName, shared: false)
    {
    }

    private PrometheusTextExporter(string meterName, bool shared)
    {
        ArgumentException.ThrowIfNullOrEmpty(meterName);
        MeterName = meterName;
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

    /// <summary>The name of the meter whose instruments are exported.</summary>
    public string MeterName { get; }

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
        if (instrument.Meter.Name != MeterName || !instrument.GetType().IsGenericType
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

    private static string MetricName(Instrument instrument, string type)
    {
        var name = Sanitize(instrument.Name, colonAllowed: true);
        var counter = type == "counter";
        if (counter && name.EndsWith("_total", StringComparison.Ordinal))
        {
            name = name[..^"_total".Length];
        }

        name = instrument.Unit switch
        {
            "s" when !HasWord(name, "seconds") => name + "_seconds",
            "By" when !HasWord(name, "bytes") => name + "_bytes",
            _ => name,
        };
        return counter ? name + "_total" : name;
    }

    private static bool HasWord(string name, string word) =>
        $"_{name}_".Contains($"_{word}_", StringComparison.Ordinal);

    // Metric names may hold colons, label names may not; neither may start with a digit or be empty.
    private static string Sanitize(string name, bool colonAllowed)
    {
        var result = new StringBuilder(name.Length + 1);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            result.Append('_');
        }

        foreach (var c in name)
        {
            result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (colonAllowed && c == ':') ? c : '_');
        }

        return result.ToString();
    }

    // HELP text escapes backslash and line feed; label values also escape the double quote.
    private static string Escape(string text, bool quotes)
    {
        if (text.AsSpan().IndexOfAny(quotes ? "\\\"\n" : "\\\n") < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\':
                    result.Append(@"\\");
                    break;
                case '\n':
                    result.Append(@"\n");
                    break;
                case '"' when quotes:
                    result.Append("\\\"");
                    break;
                default:
                    result.Append(c);
                    break;
            }
        }

        return result.ToString();
    }

    // How a tag value reads as a label value; the allocating twin of Rendered, for a new tag set only.
    private static string Render(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // Render without allocating for strings and the usual value types, so that finding a cell allocates nothing.
    private static ReadOnlySpan<char> Rendered(object? value, Span<char> buffer) => value switch
    {
        null => default,
        string text => text,
        bool flag => flag ? "true" : "false",
        ISpanFormattable formattable when formattable.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture)
            => buffer[..written],
        _ => Render(value),
    };

    // The exposition spells the infinities and NaN its own way; everything else is the shortest round-trip form.
    private static ReadOnlySpan<char> Format(double value, Span<char> buffer)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        value.TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture);
        return buffer[..written];
    }

    private static void WriteValue(TextWriter writer, long value)
    {
        Span<char> buffer = stackalloc char[20];
        value.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture);
        writer.Write(buffer[..written]);
        writer.Write('\n');
    }

    private static void WriteValue(TextWriter writer, double value)
    {
        writer.Write(Format(value, stackalloc char[32]));
        writer.Write('\n');
    }

    private static void AddDouble(ref long bits, double value)
    {
        var seen = Interlocked.Read(ref bits);
        while (true)
        {
            var sum = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
            var previous = Interlocked.CompareExchange(ref bits, sum, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    private enum Aggregation
    {
        MonotonicSum,
        Sum,
        LastValue,
        Histogram,
    }

    /// <summary>One instrument: its exported name and header, and a cell per tag set.</summary>
    private sealed class Family
    {
        private readonly PrometheusTextExporter _owner;
        private readonly Aggregation _aggregation;
        private readonly bool _observable;

        // Whether cell values hold double bits rather than integers; the instrument's T decides, and with it which
        // of the listener's callbacks (long or double) calls in.
        private readonly bool _floating;

        private readonly double[] _bounds = [];
        private readonly string[] _boundLabels = [];
        private readonly ConcurrentDictionary<TagSet, Cell> _cells = new(TagSetComparer.Instance);
        private readonly ConcurrentDictionary<TagSet, Cell>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _cellsByTags;

        public Family(PrometheusTextExporter owner, Instrument instrument, Aggregation aggregation, string type, long order)
        {
            _owner = owner;
            _aggregation = aggregation;
            _observable = instrument.IsObservable;
            var valueType = instrument.GetType().GetGenericArguments()[0];
            _floating = valueType == typeof(double) || valueType == typeof(float) || valueType == typeof(decimal);
            _cellsByTags = _cells.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
            Type = type;
            Order = order;
            Name = MetricName(instrument, type);
            InstrumentName = instrument.Name;
            Header = (string.IsNullOrEmpty(instrument.Description) ? "" : $"# HELP {Name} {Escape(instrument.Description, quotes: false)}\n")
                + $"# TYPE {Name} {type}\n";
            if (aggregation == Aggregation.Histogram)
            {
                _bounds = AdvisedBounds(instrument) ?? DefaultBucketBounds;
                _boundLabels = [.. _bounds.Select(bound => $"le=\"{Format(bound, stackalloc char[32]).ToString()}\""), "le=\"+Inf\""];
            }
        }

        public string Name { get; }
        public string InstrumentName { get; }
        public string Type { get; }
        public string Header { get; }
        public long Order { get; }

        /// <summary>The listener of this instrument alone, when it is observable; null otherwise.</summary>
        public MeterListener? Observer { get; set; }

        /// <summary>
        /// Runs an observable instrument's callback, whose measurements land in <see cref="Record(long, ReadOnlySpan{KeyValuePair{string, object?}})"/>;
        /// false when it threw. True at once for other instruments.
        /// </summary>
        public bool Observe()
        {
            try
            {
                Observer?.RecordObservableInstruments();
                return true;
            }
            catch (AggregateException)
            {
                // One broken callback must not blank the whole scrape: its series drop out and the scrape names it.
                return false;
            }
        }

        public void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (_floating)
            {
                Record((double)value, tags);
                return;
            }

            // A counter that goes down reads as a reset to rate(); the OpenTelemetry SDK drops such increments too.
            if (_aggregation == Aggregation.MonotonicSum && value < 0)
            {
                return;
            }

            var cell = CellFor(tags);
            switch (_aggregation)
            {
                case Aggregation.LastValue:
                    Interlocked.Exchange(ref cell.Value, value);
                    break;
                case Aggregation.Histogram:
                    Interlocked.Increment(ref cell.Buckets[BucketOf(value)]);
                    Interlocked.Add(ref cell.Value, value);
                    break;
                default:
                    Interlocked.Add(ref cell.Value, value);
                    break;
            }

            Observed(cell);
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (!_floating)
            {
                Record((long)value, tags);
                return;
            }

            // A NaN would make a sum NaN for good, and a histogram has no bucket for it.
            if ((_aggregation == Aggregation.MonotonicSum && value < 0)
                || (_aggregation != Aggregation.LastValue && double.IsNaN(value)))
            {
                return;
            }

            var cell = CellFor(tags);
            switch (_aggregation)
            {
                case Aggregation.LastValue:
                    Interlocked.Exchange(ref cell.Value, BitConverter.DoubleToInt64Bits(value));
                    break;
                case Aggregation.Histogram:
                    Interlocked.Increment(ref cell.Buckets[BucketOf(value)]);
                    AddDouble(ref cell.Value, value);
                    break;
                default:
                    AddDouble(ref cell.Value, value);
                    break;
            }

            Observed(cell);
        }

        public void WriteSamples(TextWriter writer, long scrape)
        {
            var cells = new List<Cell>(_cells.Count);
            foreach (var (tags, cell) in _cells)
            {
                if (_observable && cell.ObservedAt != scrape)
                {
                    // The callback no longer reports this tag set: the series has ended.
                    _cells.TryRemove(tags, out _);
                    continue;
                }

                cells.Add(cell);
            }

            cells.Sort(static (a, b) => string.CompareOrdinal(a.Tags.Labels, b.Tags.Labels));
            foreach (var cell in cells)
            {
                if (_aggregation == Aggregation.Histogram)
                {
                    WriteHistogram(writer, cell);
                }
                else
                {
                    WriteSeries(writer, "", cell.Tags.Labels, bucket: null);
                    WriteMeasured(writer, Interlocked.Read(ref cell.Value));
                }
            }
        }

        // The count is the sum of the buckets as read, so that _count always equals the +Inf bucket; _sum may be a
        // measurement ahead or behind, as in every Prometheus client.
        private void WriteHistogram(TextWriter writer, Cell cell)
        {
            long cumulative = 0;
            for (var i = 0; i < cell.Buckets.Length; i++)
            {
                cumulative += Interlocked.Read(ref cell.Buckets[i]);
                WriteSeries(writer, "_bucket", cell.Tags.Labels, _boundLabels[i]);
                WriteValue(writer, cumulative);
            }

            WriteSeries(writer, "_sum", cell.Tags.Labels, bucket: null);
            WriteMeasured(writer, Interlocked.Read(ref cell.Value));
            WriteSeries(writer, "_count", cell.Tags.Labels, bucket: null);
            WriteValue(writer, cumulative);
        }

        // A sum or last value as the cell holds it: an integer, or the bits of a double.
        private void WriteMeasured(TextWriter writer, long value)
        {
            if (_floating)
            {
                WriteValue(writer, BitConverter.Int64BitsToDouble(value));
            }
            else
            {
                WriteValue(writer, value);
            }
        }

        // le goes last, after the sorted tag labels, as the Prometheus client libraries write it.
        private void WriteSeries(TextWriter writer, string suffix, string labels, string? bucket)
        {
            writer.Write(Name);
            writer.Write(suffix);
            if (labels.Length > 0 || bucket is not null)
            {
                writer.Write('{');
                writer.Write(labels);
                if (bucket is not null)
                {
                    writer.Write(labels.Length > 0 ? "," : "");
                    writer.Write(bucket);
                }

                writer.Write('}');
            }

            writer.Write(' ');
        }

        private Cell CellFor(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (_cellsByTags.TryGetValue(tags, out var cell))
            {
                return cell;
            }

            // A new tag set (or one naming a key twice, which never matches and always comes this way).
            return _cells.GetOrAdd(TagSet.From(tags), static (key, buckets) => new Cell(key, buckets), _boundLabels.Length);
        }

        private void Observed(Cell cell)
        {
            if (_observable)
            {
                cell.ObservedAt = _owner._scrape;
            }
        }

        // Bucket i counts values up to and including bound i (le); the last bucket is +Inf.
        private int BucketOf(double value)
        {
            var index = Array.BinarySearch(_bounds, value);
            return index >= 0 ? index : ~index;
        }

        private static double[]? AdvisedBounds(Instrument instrument) => instrument switch
        {
            Histogram<byte> histogram => ToDoubles(histogram.Advice),
            Histogram<short> histogram => ToDoubles(histogram.Advice),
            Histogram<int> histogram => ToDoubles(histogram.Advice),
            Histogram<long> histogram => ToDoubles(histogram.Advice),
            Histogram<float> histogram => ToDoubles(histogram.Advice),
            Histogram<double> histogram => ToDoubles(histogram.Advice),
            Histogram<decimal> histogram => ToDoubles(histogram.Advice),
            _ => null,
        };

        // An infinite bound would repeat the +Inf bucket the exposition always has.
        private static double[]? ToDoubles<T>(InstrumentAdvice<T>? advice) where T : struct, INumber<T> =>
            advice?.HistogramBucketBoundaries is { } bounds
                ? [.. bounds.Select(double.CreateChecked).Where(double.IsFinite).Distinct().Order()]
                : null;
    }

    /// <summary>The aggregate of one tag set of one instrument.</summary>
    private sealed class Cell(TagSet tags, int buckets)
    {
        public readonly TagSet Tags = tags;

        /// <summary>Sum, last value or histogram sum; the bits of a double when the instrument's T is fractional.</summary>
        public long Value;

        /// <summary>Per-bucket (not cumulative) counts of a histogram, +Inf last; empty otherwise.</summary>
        public readonly long[] Buckets = buckets == 0 ? [] : new long[buckets];

        /// <summary>The scrape in which an observable instrument last reported this tag set.</summary>
        public long ObservedAt;
    }

    /// <summary>A tag set as a dictionary key: keys sorted ordinally without repeats, values rendered.</summary>
    private sealed class TagSet
    {
        private TagSet(string[] keys, string[] values, string labels)
        {
            Keys = keys;
            Values = values;
            Labels = labels;
            for (var i = 0; i < keys.Length; i++)
            {
                Hash += TagSetComparer.PairHash(keys[i], values[i]);
            }
        }

        public string[] Keys { get; }
        public string[] Values { get; }
        public int Hash { get; }

        /// <summary><c>name="value"</c> pairs sorted by label name and escaped, without braces; empty for no tags.</summary>
        public string Labels { get; }

        public static TagSet From(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var pairs = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                // A key given twice keeps its last value, as a dictionary would.
                pairs[tag.Key ?? ""] = Render(tag.Value);
            }

            // Keys that sanitise to one label name share it, their values joined by ';' in key order, as the
            // OpenTelemetry Prometheus exporter does: a line must not repeat a label name.
            var labels = pairs
                .GroupBy(pair => Sanitize(pair.Key, colonAllowed: false), pair => pair.Value)
                .OrderBy(label => label.Key, StringComparer.Ordinal)
                .Select(label => $"{label.Key}=\"{Escape(string.Join(';', label), quotes: true)}\"");
            return new TagSet([.. pairs.Keys], [.. pairs.Values], string.Join(',', labels));
        }
    }

    /// <summary>
    /// Compares tag sets, and a measurement's tags with a tag set without building one: the hash adds up per-tag
    /// hashes, so tag order does not matter.
    /// </summary>
    private sealed class TagSetComparer :
        IEqualityComparer<TagSet>,
        IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, TagSet>
    {
        public static readonly TagSetComparer Instance = new();

        public static int PairHash(string key, ReadOnlySpan<char> value) =>
            HashCode.Combine(string.GetHashCode(key.AsSpan()), string.GetHashCode(value));

        public bool Equals(TagSet? x, TagSet? y) =>
            ReferenceEquals(x, y)
            || (x is not null && y is not null && x.Hash == y.Hash
                && x.Keys.AsSpan().SequenceEqual(y.Keys) && x.Values.AsSpan().SequenceEqual(y.Values));

        public int GetHashCode(TagSet tags) => tags.Hash;

        public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var hash = 0;
            Span<char> buffer = stackalloc char[64];
            foreach (var tag in tags)
            {
                hash += PairHash(tag.Key ?? "", Rendered(tag.Value, buffer));
            }

            return hash;
        }

        public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> tags, TagSet set)
        {
            // A repeated key could otherwise match a larger set; more than 64 tags simply never match (and take
            // the allocating path, which is still correct).
            if (tags.Length != set.Keys.Length || tags.Length > 64)
            {
                return false;
            }

            ulong matched = 0;
            Span<char> buffer = stackalloc char[64];
            foreach (var tag in tags)
            {
                var index = Array.BinarySearch(set.Keys, tag.Key ?? "", StringComparer.Ordinal);
                if (index < 0 || (matched & (1UL << index)) != 0
                    || !Rendered(tag.Value, buffer).SequenceEqual(set.Values[index]))
                {
                    return false;
                }

                matched |= 1UL << index;
            }

            return true;
        }

        public TagSet Create(ReadOnlySpan<KeyValuePair<string, object?>> tags) => TagSet.From(tags);
    }
}
