using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorNet.Configuration;

/// <summary>
/// The keys a configuration may have at its top level. <c>actornet</c> is ActorNet's; <c>akka</c> is Akka.NET's own
/// block, which an application embedding ActorNet may pass along with it (<c>WithActorNet(config)</c>); anything else
/// is a typo (<c>actornt.http.enabled = on</c>) and is rejected. One exception, a HOCON idiom: a top-level block that
/// substitutions refer to (<c>ports { sensors = 7100 }</c> used as <c>${ports.sensors}</c>) has served its purpose
/// once the file is parsed, and is dropped then, before validation.
/// </summary>
internal static class ConfigRoots
{
    public static readonly IReadOnlyList<string> Valid = ["actornet", "akka"];

    /// <summary>Records an error for every top-level key of <paramref name="top"/> but <see cref="Valid"/>.</summary>
    public static void RejectUnknown(HoconObject top, List<string> errors)
    {
        foreach (var key in top.Items.Keys.Where(k => !Valid.Contains(k)))
        {
            errors.Add($"{ConfigKeyText.Segment(key)}: unknown key at the top level; expected one of {string.Join(", ", Valid)}{ClosestKeys.Hint(key, Valid)}; " +
                "another top-level block is allowed only when ${...} substitutions refer to it");
        }
    }

    /// <summary>Removes the top-level blocks that only the substitutions of <paramref name="keptPaths"/> refer to.</summary>
    public static void DropSubstitutionSources(Config user, IEnumerable<string> keptPaths)
    {
        if (user.Root is not { } root || !root.IsObject()) return;
        var items = root.GetObject().Items;
        // Each substitution holds the value it was resolved to: removing the key that named it does not change it.
        foreach (var key in keptPaths.Select(p => p.Split('.')[0]).Distinct().Where(k => !Valid.Contains(k)))
            items.Remove(key);
    }
}
