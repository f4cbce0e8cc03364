namespace ActorNet.Metrics;

public sealed partial class PrometheusTextExporter
{
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
