namespace ActorNet.Configuration;

/// <summary>
/// Where each character of an expanded configuration text came from (<see cref="HoconIncludes"/> splices files into
/// one text), so that an error found in the expanded text names the file and line the operator wrote.
/// </summary>
internal sealed class HoconSourceMap
{
    /// <summary>Text copied from <paramref name="File"/> (null: text given directly) starting at its index <paramref name="FileStart"/>.</summary>
    private sealed record Segment(int Start, string? File, string FileText, int FileStart);

    private readonly List<Segment> _segments = [];

    /// <summary>A map for text that was not read from a file: places are "line N".</summary>
    public static HoconSourceMap ForText(string text)
    {
        var map = new HoconSourceMap();
        map._segments.Add(new Segment(0, null, text, 0));
        return map;
    }

    /// <summary>Records that the expanded text from <paramref name="start"/> on is <paramref name="fileText"/> from <paramref name="fileStart"/>.</summary>
    public void Add(int start, string? file, string fileText, int fileStart) => _segments.Add(new Segment(start, file, fileText, fileStart));

    /// <summary>Adds the segments of <paramref name="nested"/>, whose text was inserted at <paramref name="offset"/>.</summary>
    public void Add(int offset, HoconSourceMap nested)
    {
        foreach (var segment in nested._segments) _segments.Add(segment with { Start = segment.Start + offset });
    }

    /// <summary>"FILE, line N" (or "line N" for text not read from a file) for the expanded text's index <paramref name="index"/>.</summary>
    public string Place(int index)
    {
        var segment = _segments.LastOrDefault(s => s.Start <= index) ?? _segments.FirstOrDefault();
        if (segment is null) return "line 1";
        var at = Math.Clamp(segment.FileStart + (index - segment.Start), 0, segment.FileText.Length);
        var line = 1 + segment.FileText.AsSpan(0, at).Count('\n');
        return segment.File is null ? $"line {line}" : $"{segment.File}, line {line}";
    }
}
