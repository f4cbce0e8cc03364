using Akka.Configuration.Hocon;

namespace ActorNet.Configuration;

/// <summary>
/// Finds a substitution that refers to itself or to a block that contains it: <c>a = ${a}</c>,
/// <c>a { b = ${a} }</c>, <c>a = ${a} { c = 1 }</c>. Akka's parser resolves these into a value that contains
/// itself; the first <see cref="HoconValue.IsObject"/> on it then overflows the stack, which kills the process
/// (no catch can stop a stack overflow).
/// </summary>
internal static class HoconSelfReference
{
    /// <summary>Null if <paramref name="root"/> holds no cycle, else the key of the substitution that closes one.</summary>
    public static string? Find(HoconValue root) =>
        Walk(root, "", via: null, new HashSet<HoconValue>(ReferenceEqualityComparer.Instance),
            new HashSet<HoconValue>(ReferenceEqualityComparer.Instance));

    // Looks only at Values, Items and ResolvedValue: IsObject, GetObject and GetString recurse through
    // substitutions, so they would overflow on the very cycle being looked for.
    private static string? Walk(HoconValue value, string key, string? via, HashSet<HoconValue> onPath, HashSet<HoconValue> done)
    {
        if (done.Contains(value)) return null;
        if (!onPath.Add(value))
        {
            return via is null
                ? $"{key}: is part of a cycle of values; expected a tree of blocks"
                : $"{key}: ${{{via}}} refers to itself or to a block that contains it; expected a substitution of another key";
        }

        foreach (var element in value.Values)
        {
            var found = element switch
            {
                HoconObject block => block.Items
                    .Select(kv => Walk(kv.Value, key.Length == 0 ? kv.Key : $"{key}.{kv.Key}", null, onPath, done))
                    .FirstOrDefault(f => f is not null),
                HoconArray list => list
                    .Select((item, i) => Walk(item, $"{key}[{i}]", null, onPath, done))
                    .FirstOrDefault(f => f is not null),
                HoconSubstitution { ResolvedValue: { } resolved } substitution => Walk(resolved, key, substitution.Path, onPath, done),
                _ => null,
            };
            if (found is not null) return found;
        }

        onPath.Remove(value);
        done.Add(value);
        return null;
    }
}
