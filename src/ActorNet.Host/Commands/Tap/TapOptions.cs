namespace ActorNet.Host.Commands.Tap;

/// <param name="Url">ActorNet's HTTP base address, ending in <c>/</c>.</param>
/// <param name="Token">The admin token; null when none is needed.</param>
/// <param name="Sources">Only records of these sources; empty for all.</param>
/// <param name="Quarantine">Quarantined frames instead of parsed records.</param>
/// <param name="Sink">Only the records of this websocket sink (<c>/ws/tail?sink=</c>); null for all of them.</param>
/// <param name="Limit">Records to print before exiting; null runs until stopped.</param>
public sealed record TapOptions(Uri Url, string? Token, IReadOnlySet<string> Sources, bool Quarantine, string? Sink, long? Limit);
