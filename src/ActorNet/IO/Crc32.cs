namespace ActorNet.IO;

/// <summary>
/// CRC-32 (IEEE 802.3, as zlib): lets the spool and the recordings tell a record torn by a crash from a whole one.
/// System.IO.Hashing's, which is vectorised (carry-less multiplication): a recording checksums every byte a recorded
/// source reads, and the byte-at-a-time table this replaced ran at a fraction of loopback ingestion, so the recorder
/// fell behind and dropped records.
/// </summary>
internal static class Crc32
{
    public static uint Compute(ReadOnlySpan<byte> data) => System.IO.Hashing.Crc32.HashToUInt32(data);
}
