using ActorNet.Recording;

namespace ActorNet.Hosting.Replay;

/// <summary>What <c>actornet replay</c> replays and how fast.</summary>
/// <param name="Source">Only this source's recordings; null = every source found (each must be in the configuration).</param>
/// <param name="Speed">Times real time (1 = as recorded, 10 = ten times faster); null = as fast as the sinks take it.</param>
/// <param name="ConnectionId">Only this recorded connection; null = all.</param>
public sealed record ReplayOptions(string? Source = null, double? Speed = null, long? ConnectionId = null);

/// <summary>What a replay fed through the pipeline.</summary>
/// <param name="TornTails">Files whose last record did not check (cut by a crash): replayed up to the record before.</param>
public sealed record ReplayResult(long Reads, long Bytes, int Connections, IReadOnlyList<string> Sources, IReadOnlyList<TornTail> TornTails);
