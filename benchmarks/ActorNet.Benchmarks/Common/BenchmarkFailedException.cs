namespace ActorNet.Benchmarks.Common;

/// <summary>A measurement could not be made (limit too low, timeout, server missing frames); the message says why.</summary>
public sealed class BenchmarkFailedException(string message) : Exception(message);
