using System.Text.Json;

namespace ActorNet.Host.Commands.Tap;

/// <summary>What one <c>/ws/tail</c> message is, read from its <c>kind</c>, <c>source</c> and counters.</summary>
public abstract record TapMessage
{
    private TapMessage()
    {
    }

    /// <summary>A stored record (<c>kind: frame</c>) or a quarantined frame (<c>kind: quarantined</c>).</summary>
    public sealed record Record(bool Quarantined, string? Source) : TapMessage;

    /// <summary>
    /// The tail's once-a-second report: <paramref name="Dropped"/> records this subscriber has lost so far (it read too
    /// slowly), and the websocket sinks it watches (none: nothing will ever arrive).
    /// </summary>
    public sealed record Stats(long Dropped, IReadOnlyList<string> Sinks) : TapMessage;

    /// <summary>Anything else (a kind added by a later ActorNet): skipped.</summary>
    public sealed record Other : TapMessage;

    /// <exception cref="JsonException">The message is not a JSON object.</exception>
    public static TapMessage Read(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new JsonException($"expected a JSON object, got {root.ValueKind}");
        var kind = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        switch (kind)
        {
            case "frame":
            case "quarantined":
                var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                return new Record(kind == "quarantined", source);
            case "stats":
                var dropped = root.TryGetProperty("dropped", out var d) && d.TryGetInt64(out var n) ? n : 0;
                var sinks = root.TryGetProperty("sinks", out var list) && list.ValueKind == JsonValueKind.Array
                    ? list.EnumerateArray().Select(e => e.GetString() ?? "").ToArray()
                    : [];
                return new Stats(dropped, sinks);
            default:
                return new Other();
        }
    }

    /// <summary>Whether <c>actornet tap</c> with <paramref name="options"/> prints this message.</summary>
    public bool Wanted(TapOptions options) =>
        this is Record record && record.Quarantined == options.Quarantine
        && (options.Sources.Count == 0 || record.Source is { } name && options.Sources.Contains(name));
}
