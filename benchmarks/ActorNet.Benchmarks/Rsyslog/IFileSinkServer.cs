using System.Net;

namespace ActorNet.Benchmarks.Rsyslog;

/// <summary>A server under test that writes every line it receives to one file, one line per record.</summary>
public interface IFileSinkServer : IAsyncDisposable
{
    string Name { get; }

    IPEndPoint EndPoint { get; }

    /// <summary>The file that holds one line per record received.</summary>
    string OutputPath { get; }

    /// <summary>Lines the server refused (quarantined); the workload is well-formed, so any is a failed run.</summary>
    long Rejections { get; }

    /// <summary>The highest resident set size of the server's process during the run.</summary>
    long PeakResidentBytes();

    /// <summary>CPU time (user + system, all threads) of the server's process since the run started.</summary>
    TimeSpan CpuTime();

    /// <summary>What the server said about itself, for a failure report.</summary>
    string Diagnostics();
}
