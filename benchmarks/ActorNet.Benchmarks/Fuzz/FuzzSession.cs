namespace ActorNet.Benchmarks.Fuzz;

/// <summary>
/// What one connection sends: valid frames, some mutated, one after another, written in <see cref="Writes"/>
/// pieces (random splits across reads) and then closed by the peer.
/// </summary>
/// <param name="Bytes">The stream as sent (cut after a fatal length field).</param>
/// <param name="Writes">The sizes of the socket writes, summing to the length of <paramref name="Bytes"/>.</param>
/// <param name="Frames">Generated frames whose bytes are sent, mutated ones included.</param>
/// <param name="Mutated">How many of them were mutated.</param>
/// <param name="Cuts">The frames ActorNet must find (empty for raw framing).</param>
public sealed record FuzzSession(byte[] Bytes, int[] Writes, int Frames, int Mutated, IReadOnlyList<CutFrame> Cuts);
