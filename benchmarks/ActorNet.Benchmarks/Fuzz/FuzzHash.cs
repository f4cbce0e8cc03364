namespace ActorNet.Benchmarks.Fuzz;

/// <summary>
/// Hashes that let the sink's content be compared with what was sent without keeping either: an order-free
/// digest of a multiset of payloads (a sum of mixed 64-bit hashes), and a polynomial hash whose value for a
/// concatenation follows from its parts' (raw framing: chunks cut by reads put back together in seq order).
/// </summary>
public static class FuzzHash
{
    private const ulong Prime = (1UL << 61) - 1;
    private const ulong Base = 1_000_003;

    /// <summary>FNV-1a over the bytes, then a SplitMix64 finaliser so that sums of hashes do not cancel out.</summary>
    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return Mix(hash ^ (ulong)bytes.Length);
    }

    public static ulong Mix(ulong value)
    {
        value += 0x9E3779B97F4A7C15UL;
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }

    /// <summary>The polynomial hash of <paramref name="bytes"/> mod 2^61-1.</summary>
    public static ulong Polynomial(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 0;
        foreach (byte b in bytes)
        {
            hash = Add(MulMod(hash, Base), (ulong)b + 1);
        }

        return hash;
    }

    /// <summary>The polynomial hash of the concatenation of a part hashed <paramref name="first"/> and one of <paramref name="secondLength"/> bytes hashed <paramref name="second"/>.</summary>
    public static ulong Concat(ulong first, ulong second, long secondLength) => Add(MulMod(first, Power(secondLength)), second);

    private static ulong Power(long exponent)
    {
        ulong result = 1;
        ulong factor = Base;
        while (exponent > 0)
        {
            if ((exponent & 1) != 0) result = MulMod(result, factor);
            factor = MulMod(factor, factor);
            exponent >>= 1;
        }

        return result;
    }

    private static ulong MulMod(ulong a, ulong b) => (ulong)((UInt128)a * b % Prime);

    private static ulong Add(ulong a, ulong b)
    {
        ulong sum = a + b;
        return sum >= Prime ? sum - Prime : sum;
    }
}
