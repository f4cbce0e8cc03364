using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Numerics;

namespace ActorNet.Metrics;

public sealed partial class PrometheusTextExporter
{
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
}
