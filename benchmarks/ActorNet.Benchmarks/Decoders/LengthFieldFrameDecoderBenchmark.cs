using System.Buffers;
using ActorNet.Framing;
using BenchmarkDotNet.Attributes;

namespace ActorNet.Benchmarks.Decoders;

/// <summary>Time and allocation per frame of <see cref="LengthFieldFrameDecoder"/> over a 64 KiB buffer of 100-byte frames.</summary>
[MemoryDiagnoser]
public class LengthFieldFrameDecoderBenchmark
{
    private LengthFieldFrameDecoder _decoder = null!;
    private ReadOnlySequence<byte> _input;

    [Params(2, 4)]
    public int LengthFieldLength { get; set; } = 4;

    [Params(false, true)]
    public bool MultiSegment { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _decoder = new LengthFieldFrameDecoder(
            lengthFieldOffset: 0,
            LengthFieldLength,
            bigEndian: true,
            lengthAdjustment: 0,
            initialBytesToStrip: LengthFieldLength,
            maxFrameLength: 1024);
        int payloadLength = DecoderBenchmarkInput.FrameSize - LengthFieldLength;
        _input = DecoderBenchmarkInput.Build(_decoder, payloadLength, MultiSegment);
        DecoderBenchmarkInput.Verify(_decoder, _input, payloadLength);
    }

    [Benchmark(OperationsPerInvoke = DecoderBenchmarkInput.FrameCount)]
    public long Decode() => DecoderBenchmarkInput.DecodeAll(_decoder, _input);
}
