namespace ActorNet.Configuration;

/// <summary>What a <see cref="HoconToken"/> is.</summary>
internal enum HoconTokenKind
{
    /// <summary>One character outside comments, strings and substitutions: a bracket, a separator, whitespace, a letter.</summary>
    Character,

    /// <summary><c>#</c> or <c>//</c> to the end of the line; the newline itself is the next token.</summary>
    Comment,

    /// <summary><c>"..."</c>, in which a backslash escapes the character after it.</summary>
    QuotedString,

    /// <summary><c>"""..."""</c>, without escapes.</summary>
    TripleQuotedString,

    /// <summary><c>${path}</c> or <c>${?path}</c>, up to the first <c>}</c>.</summary>
    Substitution,
}

/// <summary>One token of HOCON text.</summary>
/// <param name="Start">Index of its first character.</param>
/// <param name="End">Index just past its last character.</param>
/// <param name="Terminated">
/// False for a string whose closing quote, or a substitution whose <c>}</c>, is missing: the token then ends at the end
/// of the text, or for a <c>"..."</c> string at the end of its line.
/// </param>
internal readonly record struct HoconToken(HoconTokenKind Kind, int Start, int End, bool Terminated);

/// <summary>
/// Splits HOCON text into comments, strings, substitutions and single characters, reading them as Akka's tokenizer
/// does, so that what is inside a comment or a string (a bracket, a quote, a <c>#</c>) is never taken for syntax.
/// Every character of the text belongs to exactly one token; the scanner neither allocates nor judges the text
/// (<see cref="HoconSyntaxCheck"/> does).
/// </summary>
/// <remarks>
/// Used by <see cref="HoconSyntaxCheck"/>, <see cref="HoconIncludeScanner"/>, <see cref="HoconObjectCommas"/> and
/// <see cref="HoconSubstitutions"/>, so that all four agree on where strings and comments are.
/// </remarks>
internal ref struct HoconTextScanner
{
    private const string Triple = "\"\"\"";

    private readonly ReadOnlySpan<char> text;
    private int next;

    public HoconTextScanner(ReadOnlySpan<char> text) => this.text = text;

    /// <summary>The token read by the last <see cref="MoveNext"/> that returned true.</summary>
    public HoconToken Current { get; private set; }

    /// <summary>Reads the next token; false at the end of the text.</summary>
    public bool MoveNext()
    {
        if (next >= text.Length) return false;
        var start = next;
        Current = text[start] switch
        {
            '#' => Comment(start),
            '/' when At(start + 1, '/') => Comment(start),
            '"' when text[start..].StartsWith(Triple) => TripleQuoted(start),
            '"' => Quoted(start),
            '$' when At(start + 1, '{') => Substitution(start),
            _ => new HoconToken(HoconTokenKind.Character, start, start + 1, true),
        };
        next = Current.End;
        return true;
    }

    /// <summary>Makes the next token start at <paramref name="index"/>, past text a caller has read itself.</summary>
    public void ResumeAt(int index) => next = index;

    private HoconToken Comment(int start)
    {
        var newline = text[start..].IndexOf('\n');
        return new(HoconTokenKind.Comment, start, newline < 0 ? text.Length : start + newline, true);
    }

    private HoconToken TripleQuoted(int start)
    {
        // Akka ends the string at the first """ (the HOCON specification would keep further quotes in it): in
        // """a"""" the fourth quote opens another string, as the parser will read it.
        var close = text[(start + Triple.Length)..].IndexOf(Triple);
        return close < 0
            ? new(HoconTokenKind.TripleQuotedString, start, text.Length, false)
            : new(HoconTokenKind.TripleQuotedString, start, start + Triple.Length + close + Triple.Length, true);
    }

    private HoconToken Quoted(int start)
    {
        for (var i = start + 1; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\': i++; break;
                case '"': return new(HoconTokenKind.QuotedString, start, i + 1, true);
                // Akka would read on to the next quote; a "..." string ends on its line, as in JSON and the HOCON
                // specification, so that a missing quote is found where it is missing.
                case '\n': return new(HoconTokenKind.QuotedString, start, i, false);
            }
        }
        return new(HoconTokenKind.QuotedString, start, text.Length, false);
    }

    // Up to the first '}', whatever stands before it: whether that is a path is HoconSyntaxCheck's to say.
    private HoconToken Substitution(int start)
    {
        var close = text[start..].IndexOf('}');
        return close < 0
            ? new(HoconTokenKind.Substitution, start, text.Length, false)
            : new(HoconTokenKind.Substitution, start, start + close + 1, true);
    }

    private readonly bool At(int i, char c) => i < text.Length && text[i] == c;
}
