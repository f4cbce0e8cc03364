namespace ActorNet.Benchmarks.LoadGen;

/// <summary>A snapshot of what a <see cref="LoadGenerator"/> has done so far (send side only: a sent frame is not yet a received one).</summary>
public readonly record struct LoadGenStats(
    int Connections,
    long ConnectionsOpened,
    long ConnectionsFinished,
    long ConnectionsFailed,
    long FramesSent,
    long BytesSent,
    long Writes,
    TimeSpan Elapsed);
