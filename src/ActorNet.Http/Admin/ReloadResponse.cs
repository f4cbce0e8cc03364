using System.Text.Json.Serialization;
using ActorNet.Hosting.Reload;

namespace ActorNet.Http.Admin;

/// <summary>
/// The body of <c>POST /api/reload</c>: <c>{"applied": true, "sources": {...}, "sinks": {...}, "needsRestart": [...]}</c>
/// (200), or <c>{"applied": false, "errors": [...]}</c> (400 for an invalid file, 409 when another reload is under way
/// or there is no file to read).
/// </summary>
/// <param name="Failures">Applied, but these sources could not start (see <see cref="ReloadResult.Failures"/>).</param>
public sealed record ReloadResponse(
    bool Applied,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ChangeView? Sources,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ChangeView? Sinks,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? NeedsRestart,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Errors,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Failures)
{
    public static ReloadResponse From(ReloadResult result) => result.Change is { } change
        ? new(true, ChangeView.From(change.Sources), ChangeView.From(change.Sinks), change.NeedsRestart, null,
            result.Failures.Count > 0 ? result.Failures : null)
        : new(false, null, null, null, result.Errors, null);
}

/// <summary>Names of sources (or sinks) by what the reload did to them.</summary>
/// <param name="Restarted">Drained and started again with their new settings (their peers were closed and may reconnect).</param>
/// <param name="Unchanged">Kept running: their connections and counters are untouched.</param>
public sealed record ChangeView(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Restarted, IReadOnlyList<string> Unchanged)
{
    public static ChangeView From(ConfigurationChange.Set set) => new(set.Added, set.Removed, set.Restarted, set.Unchanged);
}
