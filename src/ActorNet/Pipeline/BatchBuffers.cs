using ActorNet.Framing;
using System.Buffers;

namespace ActorNet.Pipeline;

/// <summary>
/// The pools behind batch buffers. A read buffer becomes its batch's buffer (no copy) and comes back here
/// when every sink of the source has acknowledged the batch, so steady streaming allocates no buffers at all:
/// fresh memory per read made the kernel zero new pages for every GC cycle, which cost more than everything
/// else on the receive path. Dedicated pools, because the shared one keeps only a few arrays per core.
/// </summary>
internal static class BatchBuffers
{
    public static readonly ArrayPool<byte> Bytes = ArrayPool<byte>.Create(maxArrayLength: 64 * 1024 * 1024, maxArraysPerBucket: 1024);
    public static readonly ArrayPool<FrameSpan> Slices = ArrayPool<FrameSpan>.Create(maxArrayLength: 1024 * 1024, maxArraysPerBucket: 1024);
}
