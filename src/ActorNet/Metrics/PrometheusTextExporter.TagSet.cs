namespace ActorNet.Metrics;

public sealed partial class PrometheusTextExporter
{
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
}
