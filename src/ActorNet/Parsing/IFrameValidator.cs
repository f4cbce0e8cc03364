namespace ActorNet.Parsing;

/// <summary>
/// An optional fast path for a parser that accepts frames unchanged: a frame for which <see cref="IsValid"/> is
/// true is kept as it is without a call to <see cref="IFrameParser.Parse"/>; for any other frame Parse is
/// called and says why it is rejected. Spares a per-frame result on the hot path. It must not throw.
/// </summary>
public interface IFrameValidator
{
    bool IsValid(ReadOnlySpan<byte> frame);

    /// <summary>
    /// Checks a run of consecutive frames with the ASCII separators between them in one go; true means every
    /// frame in it is valid. False (the default) sends each frame to <see cref="IsValid"/>.
    /// </summary>
    bool AreAllValid(ReadOnlySpan<byte> asciiSeparatedFrames) => false;
}
