using System.Net;

namespace ActorNet.Benchmarks.Latency;

/// <summary>A server the latency mode can pace peers at: where they connect and what it measured.</summary>
public interface ILatencyServer : IAsyncDisposable
{
    string Name { get; }

    IPEndPoint EndPoint { get; }

    LatencyRecorder Recorder { get; }
}
