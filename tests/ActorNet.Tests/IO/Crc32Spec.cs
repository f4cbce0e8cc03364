using ActorNet.IO;
using Xunit;

namespace ActorNet.Tests.IO;

public sealed class Crc32Spec
{
    [Fact]
    public void Gives_zlibs_check_value_so_files_written_before_still_read()
    {
        // The CRC-32/ISO-HDLC check value: what zlib's crc32 and the table-driven code it replaced give for "123456789".
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    [Fact]
    public void Matches_the_bytewise_table_over_lengths_that_cross_the_vector_widths()
    {
        var random = new Random(12);
        foreach (var length in new[] { 0, 1, 15, 16, 17, 63, 64, 65, 255, 4096, 65_537 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(Bytewise(data), Crc32.Compute(data));
        }
    }

    private static uint Bytewise(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
