namespace ActorNet.Benchmarks.Latency;

/// <summary>
/// The send time a latency peer writes at the start of every payload: <see cref="Width"/> zero-padded decimal digits
/// of <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>, then a space. On Linux that timestamp is
/// clock_gettime(CLOCK_MONOTONIC) in nanoseconds (Stopwatch.Unix.cs → SystemNative_GetTimestamp →
/// minipal_hires_ticks), one clock for every process of the machine, so the sink in another process may subtract it
/// from its own reading. Printable ASCII without '\n', so a stamped payload is a valid line for the text parser.
/// </summary>
public static class SendStamp
{
    /// <summary>Digits of a timestamp: a long has at most 19; the 20th keeps the field fixed for any value.</summary>
    public const int Width = 20;

    /// <summary>The smallest payload that carries a stamp: the digits and the space after them.</summary>
    public const int MinimumPayload = Width + 1;

    public static void Write(Span<byte> destination, long timestamp)
    {
        for (int i = Width - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (timestamp % 10));
            timestamp /= 10;
        }
    }

    /// <summary>Reads the stamp at the start of <paramref name="payload"/>; false when it is not one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out long timestamp)
    {
        timestamp = 0;
        if (payload.Length < Width)
        {
            return false;
        }

        for (int i = 0; i < Width; i++)
        {
            int digit = payload[i] - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            timestamp = (timestamp * 10) + digit;
        }

        return true;
    }
}
