namespace ActorNet.Metrics;

public sealed partial class PrometheusTextExporter
{
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
}
