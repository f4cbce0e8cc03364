namespace ActorNet.Configuration;

/// <summary>How often a failing connection actor is restarted before its peer is closed.</summary>
public sealed record RestartSettings(int MaxRestarts, TimeSpan Within, TimeSpan Backoff);
