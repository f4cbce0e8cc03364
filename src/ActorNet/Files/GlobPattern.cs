namespace ActorNet.Files;

/// <summary>
/// The files a file source's <c>path</c> names: a literal directory and a file name that may hold <c>*</c> (any run of
/// characters) and <c>?</c> (one character). Wildcards stop at the directory on purpose: a source follows one
/// directory's rotating logs, and walking a tree every poll-interval would cost more than it serves. Pure but for
/// <see cref="Find"/>, which lists the directory.
/// </summary>
internal sealed class GlobPattern
{
    private GlobPattern(string directory, string name)
    {
        Directory = directory;
        Name = name;
    }

    /// <summary>The directory searched (the working directory for a bare name).</summary>
    public string Directory { get; }

    /// <summary>The file name's pattern.</summary>
    public string Name { get; }

    public bool HasWildcards => Name.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>What is wrong with <paramref name="path"/> as a file source's path (the "expected ..." of its error), or null.</summary>
    public static string? Problem(string path)
    {
        const string Expected = "a file or a glob in the file name's part, such as \"/var/log/vendor/*.log\"";
        if (path.Length == 0) return Expected;
        var name = System.IO.Path.GetFileName(path);
        if (name.Length == 0) return $"{Expected}, not a directory";
        var directory = System.IO.Path.GetDirectoryName(path) ?? "";
        if (directory.AsSpan().IndexOfAny('*', '?') >= 0) return $"{Expected}; wildcards (* and ?) are allowed in the file name only";
        return null;
    }

    /// <summary>The pattern of a path that <see cref="Problem"/> accepted.</summary>
    public static GlobPattern Parse(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(path);
        return new GlobPattern(string.IsNullOrEmpty(directory) ? "." : directory, System.IO.Path.GetFileName(path));
    }

    /// <summary>Whether the file name <paramref name="name"/> matches (ordinal: file names on Linux are case-sensitive).</summary>
    public bool Matches(ReadOnlySpan<char> name) => Match(Name, name);

    /// <summary>The regular files that match now, sorted by path (so that a scan starts them in a stable order); none when the directory is missing.</summary>
    public IReadOnlyList<string> Find()
    {
        if (!HasWildcards)
        {
            var path = System.IO.Path.Combine(Directory, Name);
            return File.Exists(path) ? [path] : [];
        }
        try
        {
            var found = new List<string>();
            foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
                if (Matches(System.IO.Path.GetFileName(path.AsSpan()))) found.Add(path);
            found.Sort(StringComparer.Ordinal);
            return found;
        }
        catch (Exception e) when (e is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            // A directory that does not exist yet (or not readable yet) is what a later scan may find: not a fault.
            return [];
        }
    }

    /// <summary>Wildcard match with backtracking to the last <c>*</c> only: linear for the patterns logs use.</summary>
    internal static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
            }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
