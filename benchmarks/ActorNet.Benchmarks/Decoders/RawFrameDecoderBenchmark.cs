using System.Buffers;
using ActorNet.Framing;
using BenchmarkDotNet.Attributes;

namespace ActorNet.Benchmarks.Decoders;

/// <summary>
/// Time and allocation per frame of <see cref="RawFrameDecoder"/> cutting a 64 KiB buffer into 100-byte chunks (its
/// max-frame-length), so that its per-frame cost compares with the other decoders'.
/// </summary>
[MemoryDiagnoser]
public class RawFrameDecoderBenchmark
{
    private RawFrameDecoder _decoder = null!;
    private ReadOnlySequence<byte> _input;

    [Params(false, true)]
    public bool MultiSegment { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _decoder = new RawFrameDecoder(maxFrameLength: DecoderBenchmarkInput.FrameSize);
        _input = DecoderBenchmarkInput.Build(_decoder, DecoderBenchmarkInput.FrameSize, MultiSegment);
        DecoderBenchmarkInput.Verify(_decoder, _input, DecoderBenchmarkInput.FrameSize);
    }

    [Benchmark(OperationsPerInvoke = DecoderBenchmarkInput.FrameCount)]
    public long Decode() => DecoderBenchmarkInput.DecodeAll(_decoder, _input);
}
