using System.Runtime.InteropServices;
using Xunit;

namespace ActorNet.Tests.Parsing;

internal static class ParsedMemory
{
    /// <summary>The frame in the middle of a larger array, so that a payload copied to offset 0 would show.</summary>
    public static ReadOnlyMemory<byte> Frame(ReadOnlySpan<byte> bytes)
    {
        var array = new byte[bytes.Length + 6];
        bytes.CopyTo(array.AsSpan(3));
        return new ReadOnlyMemory<byte>(array, 3, bytes.Length);
    }

    /// <summary>Asserts that <paramref name="actual"/> is <paramref name="expected"/> itself, not a copy of it.</summary>
    public static void AssertSameMemory(ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> actual)
    {
        Assert.True(MemoryMarshal.TryGetArray(expected, out var e));
        Assert.True(MemoryMarshal.TryGetArray(actual, out var a));
        Assert.Same(e.Array, a.Array);
        Assert.Equal(e.Offset, a.Offset);
        Assert.Equal(e.Count, a.Count);
    }
}
