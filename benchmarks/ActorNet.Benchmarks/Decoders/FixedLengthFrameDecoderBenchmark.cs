using System.Buffers;
using ActorNet.Framing;
using BenchmarkDotNet.Attributes;

namespace ActorNet.Benchmarks.Decoders;

/// <summary>Time and allocation per frame of <see cref="FixedLengthFrameDecoder"/> over a 64 KiB buffer of 100-byte frames.</summary>
[MemoryDiagnoser]
public class FixedLengthFrameDecoderBenchmark
{
    private FixedLengthFrameDecoder _decoder = null!;
    private ReadOnlySequence<byte> _input;

    [Params(false, true)]
    public bool MultiSegment { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _decoder = new FixedLengthFrameDecoder(DecoderBenchmarkInput.FrameSize);
        _input = DecoderBenchmarkInput.Build(_decoder, DecoderBenchmarkInput.FrameSize, MultiSegment);
        DecoderBenchmarkInput.Verify(_decoder, _input, DecoderBenchmarkInput.FrameSize);
    }

    [Benchmark(OperationsPerInvoke = DecoderBenchmarkInput.FrameCount)]
    public long Decode() => DecoderBenchmarkInput.DecodeAll(_decoder, _input);
}
