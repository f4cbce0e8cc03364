using System.Text;
using ActorNet.Framing;

namespace ActorNet.Host.Commands.Tools;

/// <summary>Whole frames in arrays of their own, and frames as one line of text.</summary>
public static class FrameEncoding
{
    /// <exception cref="ArgumentException">The payload cannot be framed (longer than max-frame-length, or it holds the delimiter).</exception>
    public static byte[] Frame(this IFrameEncoder encoder, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[encoder.GetEncodedLength(payload.Length)];
        encoder.Encode(payload, frame);
        return frame;
    }

    /// <summary>
    /// The payload as UTF-8 text on one line: tools print one frame per line, and a length-field payload may hold
    /// line breaks of its own. Invalid UTF-8 shows as U+FFFD.
    /// </summary>
    public static string AsLine(ReadOnlySpan<byte> payload) =>
        Encoding.UTF8.GetString(payload).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
