namespace ActorNet.Parsing;

/// <summary>
/// An optional fast path for a parser that accepts frames unchanged: a frame for which <see cref="IsValid"/> is
/// true is kept as it is without a call to <see cref="IFrameParser.Parse"/>; for any other frame Parse is
/// called and says why it is rejected. Spares a per-frame result on the hot path. It must not throw.
/// </summary>
public interface IFrameValidator
{
    bool IsValid(ReadOnlySpan<byte> frame);
}
