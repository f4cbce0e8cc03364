using Akka.Configuration.Hocon;

namespace ActorNet.Configuration;

/// <summary>
/// Tells a single value, a list, a block and <c>null</c> apart in Akka's HOCON tree, whose own predicates do not:
/// <see cref="HoconValue.IsArray"/> is false for <c>[]</c>, <see cref="HoconValue.GetString"/> returns null for
/// <c>null</c>, and <see cref="HoconValue.ToString()"/> prints <c>&lt;&lt;unknown value&gt;&gt;</c> for an empty list.
/// </summary>
internal static class HoconValues
{
    private const int MaxDescriptionLength = 80;

    /// <summary>
    /// <c>key = null</c>, HOCON's way of removing what a fallback defines. Akka keeps it as the literal <c>null</c>
    /// (and cannot tell it from the quoted string <c>"null"</c>).
    /// </summary>
    public static bool IsNull(HoconValue value) => value.IsString() && value.GetString() is null;

    /// <summary>The text of a single value; null for a list, a block or <c>null</c>.</summary>
    public static string? Text(HoconValue value)
    {
        if (!value.IsString()) return null;
        var text = value.GetString();
        if (text is null) return null;
        // Akka's HOCON trims the concatenated value, turning "\n" or "\r\n" into "": for a whitespace-only value
        // take the first literal as written.
        if (text.Length == 0 && value.Values[0] is HoconLiteral literal) return literal.Value ?? "";
        return text;
    }

    /// <summary>The elements of a list (or of lists concatenated, <c>[ a ] [ b ]</c>); null for any other value.</summary>
    public static IReadOnlyList<HoconValue>? Elements(HoconValue value)
    {
        if (!value.Values.Exists(e => e.IsArray())) return null;
        // Concatenated lists are separated by the whitespace between them, kept as literals.
        if (!value.Values.TrueForAll(e => e.IsArray() || e is HoconLiteral { Value: var v } && string.IsNullOrWhiteSpace(v)))
            return null;
        // Akka's parser reads "[ ]" (a space or line break inside) as a list of one value made of nothing; any value
        // written in a list, "" included, holds at least one literal.
        return value.Values.Where(e => e.IsArray()).SelectMany(e => e.GetArray()).Where(e => e.Values.Count > 0).ToArray();
    }

    /// <summary>The value as an error message shows it: one line, at most about 80 characters.</summary>
    public static string Describe(HoconValue value)
    {
        var text = Escape(Render(value));
        return text.Length <= MaxDescriptionLength ? text : text[..(MaxDescriptionLength - 3)] + "...";
    }

    private static string Render(HoconValue value)
    {
        if (IsNull(value)) return "null";
        if (Text(value) is { } text) return text;
        if (Elements(value) is { } elements) return "[" + string.Join(", ", elements.Select(Render)) + "]";
        if (value.IsObject()) return Render(value.GetObject());
        return string.Concat(value.Values.Select(Render)).Trim();
    }

    private static string Render(IHoconElement element) => element switch
    {
        _ when element.IsString() => element.GetString(),
        _ when element.IsArray() => "[" + string.Join(", ", element.GetArray().Select(Render)) + "]",
        HoconObject block => Render(block),
        IMightBeAHoconObject maybe when maybe.IsObject() => Render(maybe.GetObject()),
        _ => "?",
    };

    private static string Render(HoconObject block) => block.Items.Count == 0
        ? "{ }"
        : "{ " + string.Join(", ", block.Items.Select(kv => $"{kv.Key} = {Render(kv.Value)}")) + " }";

    private static string Escape(string text) => text.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\t", "\\t");
}
