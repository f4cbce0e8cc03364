namespace ActorNet.Host.Commands.Status;

/// <summary>
/// Rows printed as aligned columns for a terminal: headers first, two spaces between columns, numbers right-aligned
/// so that their digits line up. Values are printed as given (no truncation: a long peer address widens its column).
/// </summary>
public sealed class TextTable
{
    private readonly string[] _headers;
    private readonly bool[] _rightAligned;
    private readonly List<string[]> _rows = [];

    /// <param name="columns">Header and alignment of each column.</param>
    public TextTable(params (string Header, bool RightAligned)[] columns)
    {
        _headers = columns.Select(c => c.Header).ToArray();
        _rightAligned = columns.Select(c => c.RightAligned).ToArray();
    }

    public int RowCount => _rows.Count;

    /// <exception cref="ArgumentException">The row has a different number of cells than the table has columns.</exception>
    public TextTable Add(params string[] cells)
    {
        if (cells.Length != _headers.Length)
            throw new ArgumentException($"a row of {cells.Length} cell(s) for {_headers.Length} column(s)", nameof(cells));
        _rows.Add(cells);
        return this;
    }

    public void WriteTo(TextWriter writer)
    {
        var widths = _headers.Select((header, i) => _rows.Select(r => r[i].Length).Append(header.Length).Max()).ToArray();
        WriteLine(writer, _headers, widths);
        foreach (var row in _rows) WriteLine(writer, row, widths);
    }

    private void WriteLine(TextWriter writer, string[] cells, int[] widths)
    {
        var line = string.Join("  ", cells.Select((cell, i) => _rightAligned[i] ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i])));
        // Padding of the last column would leave trailing spaces on every line.
        writer.WriteLine(line.TrimEnd());
    }
}
