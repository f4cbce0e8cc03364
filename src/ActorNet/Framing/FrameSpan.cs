namespace ActorNet.Framing;

/// <summary>Where a frame's payload lies in a buffer a decoder was given.</summary>
public readonly record struct FrameSpan(int Offset, int Length);
