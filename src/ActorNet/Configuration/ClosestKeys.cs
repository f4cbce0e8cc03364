namespace ActorNet.Configuration;

/// <summary>The valid key an unknown one was most likely meant to be: a typo is a letter or two away from it.</summary>
internal static class ClosestKeys
{
    /// <summary>" (did you mean sources?)", or "" when no valid key is within two edits of <paramref name="key"/>.</summary>
    public static string Hint(string key, IEnumerable<string> valid)
    {
        var closest = valid
            .Select(k => (Key: k, Distance: Distance(key, k)))
            .Where(k => k.Distance <= Math.Min(2, Math.Max(1, key.Length / 3)))
            .OrderBy(k => k.Distance).ThenBy(k => k.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        return closest.Key is null ? "" : $" (did you mean {closest.Key}?)";
    }

    // Levenshtein distance, counting a swap of neighbours as one edit (max-conenctions).
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
