using ActorNet.Parsing;

namespace ActorNet.Sinks.Postgres;

/// <summary>
/// A table's <c>payload</c> column: its type and the payload format it holds. A table holds one format: json
/// payloads in a <c>jsonb</c> column (queryable: <c>payload-&gt;&gt;'field'</c>), text and binary in a <c>text</c>
/// column (text as is, binary as base64). The column's comment records which (<c>actornet payload format: text</c>),
/// so that text and base64 are never mixed in one table; a text column without that comment (a table made by
/// hand) takes either.
/// </summary>
/// <param name="Type">The column's type as <c>format_type</c> prints it.</param>
/// <param name="Format">The format the column holds, or null when the comment does not say.</param>
public sealed record PayloadColumn(string Type, PayloadFormat? Format)
{
    private const string CommentPrefix = "actornet payload format: ";

    /// <summary>The column ActorNet creates for a table whose first batch has <paramref name="format"/>.</summary>
    public static PayloadColumn For(PayloadFormat format) => new(format == PayloadFormat.Json ? "jsonb" : "text", format);

    /// <summary>An existing column, from its type and comment.</summary>
    public static PayloadColumn Read(string type, string? comment)
    {
        PayloadFormat? format = null;
        foreach (var candidate in Enum.GetValues<PayloadFormat>())
            if (comment == CommentPrefix + Describe(candidate) && For(candidate).Type == type) format = candidate;
        return new PayloadColumn(type, format);
    }

    /// <summary>The comment that records <see cref="Format"/>.</summary>
    public string? Comment => Format is { } format ? CommentPrefix + Describe(format) : null;

    /// <summary>Why payloads of <paramref name="format"/> cannot go to this column of <paramref name="table"/>, or null when they can.</summary>
    public string? Mismatch(PayloadFormat format, string table)
    {
        if (Type is not ("jsonb" or "text"))
            return $"PostgreSQL table \"{table}\" has a payload column of type {Type}; expected jsonb (json payloads) or text (text and binary payloads)";
        var fits = Format is { } held ? held == format : For(format).Type == Type;
        if (fits) return null;
        var holds = Format is { } f ? Describe(f) : "text or binary";
        return $"PostgreSQL table \"{table}\" holds {holds} payloads (payload {Type}), but this batch has {Describe(format)} payloads; " +
               "a table holds one payload format: give sources with different parsers tables of their own (sink setting table)";
    }

    private static string Describe(PayloadFormat format) => format switch
    {
        PayloadFormat.Json => "json",
        PayloadFormat.Text => "text",
        _ => "binary (base64)",
    };
}
