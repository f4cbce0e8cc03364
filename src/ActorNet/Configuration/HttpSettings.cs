namespace ActorNet.Configuration;

/// <summary>The operations endpoints; only <c>enabled = off</c> exists in this release.</summary>
public sealed record HttpSettings(bool Enabled);
