using System.Text.RegularExpressions;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Tools;

/// <summary>
/// A real <c>actornet run</c> with its HTTP endpoints on a free port and tcp-listen sources whose records go to a
/// jsonl file and to a <c>websocket</c> sink named <c>live</c> (what <c>/ws/tail</c>, and so <c>actornet tap</c>,
/// serves), their quarantined frames to a second jsonl file and to <c>live</c> too. What <c>top</c> and <c>tap</c>
/// are pointed at in their specs.
/// </summary>
public sealed partial class LiveInstance : IDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _directory;
    private readonly ActorNetProcess _process;
    private bool _disposed;

    private LiveInstance(TempDirectory directory, ActorNetProcess process, Uri url, IReadOnlyDictionary<string, int> ports)
    {
        _directory = directory;
        _process = process;
        Url = url;
        Ports = ports;
    }

    /// <summary>The HTTP base address, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Each source's port, by source name.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; }

    public string Output => _process.Output;

    public string DirectoryPath => _directory.Path;

    /// <param name="sources">Source names and their parser (text, json, binary).</param>
    /// <param name="websocketSink">Whether the sources feed the <c>live</c> websocket sink.</param>
    /// <param name="adminToken">actornet.http.admin-token; none when null.</param>
    /// <param name="liveSettings">Keys added to the <c>live</c> sink, e.g. <c>subscriber-buffer = 10</c>.</param>
    public static async Task<LiveInstance> StartAsync((string Name, string Parser)[] sources, bool websocketSink = true, string? adminToken = null,
        string liveSettings = "")
    {
        var directory = new TempDirectory();
        try
        {
            var ports = sources.ToDictionary(s => s.Name, _ => Loopback.FreePort());
            var sinks = websocketSink ? "file, live" : "file";
            var config = directory.File("actornet.conf");
            await File.WriteAllTextAsync(config, $$"""
                actornet {
                  http { enabled = on, port = 0{{(adminToken is null ? "" : $", admin-token = \"{adminToken}\"")}} }
                  sources {
                {{string.Join(Environment.NewLine, sources.Select(s =>
                    $"    {s.Name} {{ port = {ports[s.Name]}, parser = {s.Parser}, sinks = [ {sinks} ], quarantine = rejects }}"))}}
                  }
                  sinks {
                    file { type = jsonl, path = "{{directory.File("frames.jsonl")}}" }
                    rejects { type = jsonl, path = "{{directory.File("quarantine.jsonl")}}" }
                    {{(websocketSink ? $"live {{ type = websocket, {liveSettings} }}" : "")}}
                  }
                }
                """);
            var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
            try
            {
                await process.WaitForOutputAsync("HTTP endpoints listening on http://127.0.0.1:", StartBound);
                var url = new Uri(ListeningUrl().Match(process.Stdout).Groups[1].Value);
                return new LiveInstance(directory, process, url, ports);
            }
            catch
            {
                process.Dispose();
                throw;
            }
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Kills ActorNet (a test may do so early, to see a client cope with its going away) and deletes its files.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _process.Dispose();
        _directory.Dispose();
    }

    [GeneratedRegex(@"HTTP endpoints listening on (http://\S+/)")]
    private static partial Regex ListeningUrl();
}
