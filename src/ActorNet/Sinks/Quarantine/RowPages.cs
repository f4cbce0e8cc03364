using System.Globalization;

namespace ActorNet.Sinks.Quarantine;

/// <summary>
/// Keyset paging over a table's rows by their integer id, for the database quarantines: a page at a time, so a large
/// quarantine is never held in memory, and by id rather than OFFSET, so rows marked resolved meanwhile shift nothing.
/// </summary>
internal static class RowPages
{
    /// <param name="readPage">The rows with an id above the given one, in id order, at most <paramref name="pageSize"/>.</param>
    /// <param name="pageSize">What <paramref name="readPage"/> returns at most: a shorter page is the last.</param>
    public static IEnumerable<QuarantinedFrame> ById(Func<long, List<QuarantinedFrame>> readPage, int pageSize)
    {
        var after = long.MinValue;
        while (true)
        {
            var page = readPage(after);
            foreach (var frame in page) yield return frame;
            if (page.Count < pageSize) yield break;
            after = long.Parse(page[^1].Key, CultureInfo.InvariantCulture);
        }
    }
}
