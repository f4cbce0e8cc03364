using System.Buffers;
using System.Text;
using ActorNet.Framing;
using BenchmarkDotNet.Attributes;

namespace ActorNet.Benchmarks.Decoders;

/// <summary>Time and allocation per frame of <see cref="DelimiterFrameDecoder"/> over a 64 KiB buffer of 100-byte frames.</summary>
[MemoryDiagnoser]
public class DelimiterFrameDecoderBenchmark
{
    private DelimiterFrameDecoder _decoder = null!;
    private ReadOnlySequence<byte> _input;

    // One byte takes the vectorised single-byte search; two bytes the sequence search.
    [Params("\n", "\r\n")]
    public string Delimiter { get; set; } = "\n";

    [Params(false, true)]
    public bool MultiSegment { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _decoder = new DelimiterFrameDecoder(Encoding.ASCII.GetBytes(Delimiter), maxFrameLength: 1024);
        int payloadLength = DecoderBenchmarkInput.FrameSize - Delimiter.Length;
        _input = DecoderBenchmarkInput.Build(_decoder, payloadLength, MultiSegment);
        DecoderBenchmarkInput.Verify(_decoder, _input, payloadLength);
    }

    [Benchmark(OperationsPerInvoke = DecoderBenchmarkInput.FrameCount)]
    public long Decode() => DecoderBenchmarkInput.DecodeAll(_decoder, _input);
}
