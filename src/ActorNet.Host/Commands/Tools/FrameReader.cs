using System.Runtime.CompilerServices;
using ActorNet.Framing;

namespace ActorNet.Host.Commands.Tools;

/// <summary>
/// Cuts what a peer sends into frames with one of ActorNet's decoders, for tools that print the frames. A tool
/// prints a handful of frames per second, so each frame is copied into an array of its own.
/// </summary>
public sealed class FrameReader(Stream stream, IFrameDecoder decoder)
{
    private const int InitialBufferSize = 4096;

    /// <summary>The frames until the peer closes the stream.</summary>
    /// <param name="onRejected">Told of each frame the decoder threw away (too long); reading goes on after it.</param>
    /// <exception cref="InvalidDataException">
    /// The stream cannot be framed any further (a bad length field), or it ended inside a frame.
    /// </exception>
    public async IAsyncEnumerable<byte[]> ReadAllAsync(Action<FrameError> onRejected, [EnumeratorCancellation] CancellationToken token)
    {
        var buffer = new byte[InitialBufferSize];
        int start = 0, end = 0;
        while (true)
        {
            var status = decoder.Decode(buffer.AsMemory(start, end - start), out var frameStart, out var frameLength, out var consumed, out var error);
            switch (status)
            {
                case DecodeStatus.Frame:
                    yield return buffer.AsSpan(start + frameStart, frameLength).ToArray();
                    start += consumed;
                    continue;
                case DecodeStatus.Discarding:
                    start += consumed;
                    continue;
                case DecodeStatus.Rejected:
                    onRejected(error);
                    start += consumed;
                    continue;
                case DecodeStatus.Fatal:
                    throw new InvalidDataException(error.Describe());
            }

            // Need more data. Moving the unconsumed bytes to the front keeps them as they were, which is all a
            // decoder that remembers how far it searched asks for.
            if (start > 0)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }
            // The decoders discard or fail a frame before it outgrows max-frame-length (plus a delimiter), so the
            // buffer stops growing a little past that size.
            if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);

            var read = await stream.ReadAsync(buffer.AsMemory(end), token);
            if (read == 0)
            {
                if (end > 0) throw new InvalidDataException(new FrameError(FrameErrorKind.Truncated, end, 0).Describe());
                yield break;
            }
            end += read;
        }
    }
}
