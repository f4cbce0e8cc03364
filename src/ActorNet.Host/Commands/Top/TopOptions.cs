namespace ActorNet.Host.Commands.Top;

/// <param name="Url">ActorNet's HTTP base address, ending in <c>/</c>.</param>
/// <param name="Token">The admin token; null when none is needed.</param>
/// <param name="Interval">Time between two polls.</param>
/// <param name="Iterations">Views to show before exiting; null runs until stopped.</param>
public sealed record TopOptions(Uri Url, string? Token, TimeSpan Interval, int? Iterations);
