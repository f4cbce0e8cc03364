using System.Net;
using System.Net.Sockets;
using ActorNet.Configuration;

namespace ActorNet.Hosting;

/// <summary>
/// What <c>check-config --probe</c> tries beyond validation, as Vector's <c>validate</c> does: every tcp-listen
/// address and the HTTP endpoint's (when enabled) is bound (and released at once), and every sink some source uses is opened the way ActorNet opens it (the
/// registered sink type's own constructor, then its <see cref="Sinks.IFrameSink.Probe"/>: a SQLite file created or
/// opened and queried, a PostgreSQL connection opened and queried, a jsonl file opened for append) and closed.
/// </summary>
/// <remarks>
/// A file or directory that only the probe created is removed again, so that probing leaves the disk as it found it. A
/// sink's spool is not opened: opening one recovers it (dropping a torn last record), which must not happen beside a
/// running instance. tcp-connect sources are not dialled: a feed server that is down at start-up is retried by design.
/// </remarks>
public static class ConfigurationProbe
{
    /// <summary>The outcome of one probe.</summary>
    /// <param name="Subject">The key of what was probed, such as <c>actornet.sources.sensors</c>.</param>
    /// <param name="Failure">Null when the probe passed, else what went wrong.</param>
    /// <param name="Done">What was tried, such as <c>listen on 127.0.0.1:7000</c>.</param>
    public sealed record Result(string Subject, string Done, string? Failure)
    {
        public bool Passed => Failure is null;

        public override string ToString() => Passed ? $"{Subject}: {Done}: ok" : $"{Subject}: {Done}: {Failure}";
    }

    /// <summary>Probes every listener and every sink in use of <paramref name="settings"/>, sinks made by <paramref name="options"/>' types.</summary>
    public static IReadOnlyList<Result> Run(ActorNetSettings settings, ActorNetOptions options)
    {
        var results = new List<Result>();
        foreach (var source in settings.Sources.Where(s => s.Type is (SourceType.TcpListen or SourceType.Udp)))
            results.Add(Listen(source));
        if (settings.Http.Enabled) results.Add(Listen(settings.Http));
        foreach (var name in settings.Sources.SelectMany(s => s.AllSinks).Distinct(StringComparer.Ordinal))
            results.Add(Open(settings.Sinks[name], options));
        return results;
    }

    private static Result Listen(SourceSettings source)
    {
        var subject = $"actornet.sources.{source.Name}";
        var done = source.Type == SourceType.Udp ? $"receive UDP on {source.Host}:{source.Port}" : $"listen on {source.Host}:{source.Port}";
        try
        {
            // The very bind ActorNetService does at start-up, so that the probe fails exactly when the start would.
            using var socket = ActorNetService.Bind(source);
            return new Result(subject, done, null);
        }
        catch (InvalidConfigurationException e)
        {
            // Bind's error already names the source; keep only the reason after it.
            var reason = string.Join("; ", e.Errors.Select(error => error.StartsWith(subject + ": ", StringComparison.Ordinal) ? error[(subject.Length + 2)..] : error));
            return new Result(subject, done, reason);
        }
    }

    /// <summary>The operations endpoint's address, bound as Kestrel will bind it (localhost: the IPv4 loopback here).</summary>
    private static Result Listen(HttpSettings http)
    {
        const string subject = "actornet.http";
        var done = $"listen on {http.Host}:{http.Port}";
        var address = http.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(http.Host);
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, http.Port));
            socket.Listen();
            return new Result(subject, done, null);
        }
        catch (SocketException e)
        {
            return new Result(subject, done, $"cannot listen on {address}:{http.Port}: {e.Message}");
        }
    }

    private static Result Open(SinkSettings sink, ActorNetOptions options)
    {
        var subject = $"actornet.sinks.{sink.Name}";
        var done = $"open the {sink.Type} sink" + (sink.Path.Length > 0 ? $" at {sink.Path}" : "");
        if (!options.SinkTypes.TryGetValue(sink.Type, out var create))
            return new Result(subject, done, $"no sink type {sink.Type} is registered");

        var footprint = sink.Path.Length > 0 ? Footprint.Before(sink.Path) : null;
        try
        {
            using var opened = create(sink);
            opened.Probe();
            return new Result(subject, done, null);
        }
        catch (Exception e)
        {
            // Whatever the sink's own open code throws is the reason a start would fail on; report it, do not crash.
            return new Result(subject, done, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            footprint?.Undo();
        }
    }

    /// <summary>The files and directories on the way to a sink's path that do not exist yet, to be removed after the probe.</summary>
    private sealed class Footprint
    {
        // SQLite's companions of a database file: the write-ahead log, its index, a rollback journal.
        private static readonly string[] Companions = ["", "-wal", "-shm", "-journal"];

        private readonly string _file;
        private readonly bool _existed;
        private readonly List<string> _directories = [];

        private Footprint(string file)
        {
            _file = file;
            _existed = File.Exists(file) || Directory.Exists(file);
            for (var directory = Path.GetDirectoryName(file); !string.IsNullOrEmpty(directory) && !Directory.Exists(directory);
                 directory = Path.GetDirectoryName(directory))
                _directories.Add(directory);
        }

        public static Footprint Before(string path) => new(Path.GetFullPath(path));

        public void Undo()
        {
            if (_existed) return;
            try
            {
                foreach (var companion in Companions) File.Delete(_file + companion);
                // Innermost first; a directory something else has meanwhile put files in is left alone.
                foreach (var directory in _directories)
                {
                    if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any()) Directory.Delete(directory);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Cleaning up is a courtesy: what the probe found is already decided.
            }
        }
    }
}
