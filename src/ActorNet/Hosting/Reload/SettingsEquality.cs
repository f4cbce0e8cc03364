using System.Collections;
using System.Reflection;
using System.Text;
using ActorNet.Configuration;

namespace ActorNet.Hosting.Reload;

/// <summary>
/// Whether two settings read from two versions of a file mean the same thing. Records compare arrays and lists by
/// reference, so two sources read from the same text would differ (their sink list, a delimiter, a heartbeat
/// payload are arrays): here those are compared element by element and everything else by record equality.
/// </summary>
internal static class SettingsEquality
{
    public static bool SameSource(SourceSettings a, SourceSettings b) =>
        a.Sinks.SequenceEqual(b.Sinks, StringComparer.Ordinal)
        && SameFraming(a.Framing, b.Framing)
        && SameHeartbeat(a.Heartbeat, b.Heartbeat)
        && SameBytes(a.OnConnect, b.OnConnect)
        // Every other key by record equality, with the reference-compared members taken from b so that they match.
        && a with { Sinks = b.Sinks, Framing = b.Framing, Heartbeat = b.Heartbeat, OnConnect = b.OnConnect } == b;

    public static bool SameSink(SinkSettings a, SinkSettings b) => a == b;

    /// <summary>
    /// The keys of <c>actornet</c> outside sources and sinks whose values differ, as HOCON paths
    /// (<c>actornet.max-buffered-bytes</c>, <c>actornet.http.port</c>): none of them can change while ActorNet runs.
    /// Found by reflection over the settings' init properties, whose names are the keys in PascalCase, so that a key
    /// added to <see cref="ActorNetSettings"/> later is reported without this list being kept up to date.
    /// </summary>
    public static IReadOnlyList<string> DifferingKeys(ActorNetSettings a, ActorNetSettings b)
    {
        var keys = new List<string>();
        foreach (var property in KeyProperties(typeof(ActorNetSettings)))
        {
            if (property.Name is nameof(ActorNetSettings.Sources) or nameof(ActorNetSettings.Sinks)) continue;
            Compare("actornet." + Kebab(property.Name), property.PropertyType, property.GetValue(a), property.GetValue(b), keys, depth: 1);
        }
        return keys;
    }

    private static void Compare(string path, Type type, object? a, object? b, List<string> keys, int depth)
    {
        if (SameValue(a, b)) return;
        // One level into a block such as http: "actornet.http.port" says more than "actornet.http".
        var nested = depth > 0 && a is not null && b is not null && IsBlock(type) ? KeyProperties(type).ToArray() : [];
        if (nested.Length == 0)
        {
            keys.Add(path);
            return;
        }
        var before = keys.Count;
        foreach (var property in nested)
            Compare(path + "." + Kebab(property.Name), property.PropertyType, property.GetValue(a), property.GetValue(b), keys, depth - 1);
        // The block differs in something that is not a key of its own (a record's Equals says so): name the block.
        if (keys.Count == before) keys.Add(path);
    }

    private static bool SameValue(object? a, object? b)
    {
        if (Equals(a, b)) return true;
        if (a is string || b is string || a is not IEnumerable first || b is not IEnumerable second) return false;
        return first.Cast<object?>().SequenceEqual(second.Cast<object?>());
    }

    private static bool IsBlock(Type type) => type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);

    /// <summary>Public properties with a setter (positional and init-only members of a record): the keys, not what is computed from them.</summary>
    private static IEnumerable<PropertyInfo> KeyProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null && p.GetIndexParameters().Length == 0);

    private static string Kebab(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 4);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0) text.Append('-');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    private static bool SameFraming(FramingSettings a, FramingSettings b) =>
        a is DelimiterFramingSettings da && b is DelimiterFramingSettings db
            ? da.Delimiter.AsSpan().SequenceEqual(db.Delimiter) && da.MaxFrameLength == db.MaxFrameLength
            : a == b;

    private static bool SameHeartbeat(HeartbeatSettings? a, HeartbeatSettings? b) =>
        a is null || b is null ? a is null && b is null : a.Interval == b.Interval && a.Payload.AsSpan().SequenceEqual(b.Payload);

    private static bool SameBytes(byte[]? a, byte[]? b) => a is null || b is null ? a is null && b is null : a.AsSpan().SequenceEqual(b);
}
