namespace ActorNet.Benchmarks.CommandLine;

/// <summary>The command line is wrong; the message says which option and why, and is shown as is.</summary>
public sealed class UsageException(string message) : Exception(message);
