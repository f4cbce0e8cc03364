using ActorNet.Configuration;
using ActorNet.Framing;
using ActorNet.Parsing;
using ActorNet.Protocol;

namespace ActorNet.Sinks.Quarantine;

/// <summary>
/// Runs the unresolved entries of a quarantine through the current parser of their source (as configured now, built
/// from the registered parsers, plug-ins included) and stores what parses in that source's data sinks with its original
/// connection, peer, client certificate subject, seq and receivedAt; then marks those entries resolved and gives the ones rejected again their new
/// reason. Entries are taken a chunk at a time, and a chunk is marked only after every sink it went to flushed it
/// durably: an interrupted run loses nothing, and the next run stores again at most the chunk it was working on.
/// Resolved entries are never read again, so a second run stores nothing twice.
/// </summary>
public sealed class QuarantineReparser
{
    private const int ChunkSize = 256;

    private readonly ActorNetSettings _settings;
    private readonly IReadOnlyDictionary<string, Func<IFrameParser>> _parsers;
    private readonly IReadOnlyDictionary<string, Func<SinkSettings, IFrameSink>> _sinkTypes;

    /// <param name="parsers">The registered parsers (<c>ActorNetOptions.Parsers</c>).</param>
    /// <param name="sinkTypes">The registered sink types (<c>ActorNetOptions.SinkTypes</c>).</param>
    public QuarantineReparser(ActorNetSettings settings, IReadOnlyDictionary<string, Func<IFrameParser>> parsers,
        IReadOnlyDictionary<string, Func<SinkSettings, IFrameSink>> sinkTypes)
    {
        _settings = settings;
        _parsers = parsers;
        _sinkTypes = sinkTypes;
    }

    /// <summary>The reader of quarantine sink <paramref name="sinkName"/>'s entries (jsonl, sqlite or postgres).</summary>
    /// <exception cref="InvalidConfigurationException">No such sink, or its type keeps no readable quarantine.</exception>
    public IQuarantineStore OpenQuarantine(string sinkName)
    {
        if (!_settings.Sinks.TryGetValue(sinkName, out var sink))
        {
            throw new InvalidConfigurationException([
                $"--quarantine: \"{sinkName}\" is not a sink of the configuration; expected one of: {string.Join(", ", _settings.Sinks.Keys.Order())}"]);
        }
        return sink.Type switch
        {
            "jsonl" => new JsonlQuarantine(sink.Path),
            "sqlite" => new SqliteQuarantine(sink.Path, sink.Table),
            "postgres" => new PostgresQuarantine(sink.ConnectionString, sink.Table),
            _ => throw new InvalidConfigurationException([
                $"--quarantine: sink \"{sinkName}\" has type {sink.Type}; reparse reads the quarantine of jsonl, sqlite and postgres sinks"]),
        };
    }

    /// <param name="since">Only entries received at or after this instant (UTC); all when null.</param>
    /// <param name="progress">Called with the number of entries just handled.</param>
    /// <param name="clock">The time written as resolvedAt.</param>
    public ReparseSummary Run(IQuarantineStore quarantine, DateTime? since, Action<int>? progress = null, Func<DateTime>? clock = null)
    {
        clock ??= () => DateTime.UtcNow;
        var routes = new Dictionary<string, Route?>(StringComparer.Ordinal);
        var sinks = new Dictionary<string, IFrameSink>(StringComparer.Ordinal);
        long reparsed = 0, stillFailing = 0, rawCut = 0, framing = 0, unknown = 0;
        var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
        try
        {
            foreach (var chunk in quarantine.Unresolved(since).Chunk(ChunkSize))
            {
                var accepted = new List<(QuarantinedFrame Frame, Route Route, ParseResult Result)>();
                var failing = new List<StillFailing>();
                foreach (var frame in chunk)
                {
                    var route = RouteOf(frame.Source, routes);
                    if (route is null) unknown++;
                    else if (FrameError.Reasons.Contains(frame.Reason) || frame.Reason == RejectedFrame.LostOnRestart) framing++;
                    else if (!frame.IsWhole) rawCut++;
                    else
                    {
                        var result = Parse(route.Parser, frame.Raw);
                        if (result.IsAccepted) accepted.Add((frame, route, result));
                        else
                        {
                            stillFailing++;
                            reasons[result.Reason] = reasons.GetValueOrDefault(result.Reason) + 1;
                            // Unchanged reasons are not written again: a second run over the same entries changes nothing.
                            if (result.Error != frame.Error || result.Reason != frame.Reason)
                                failing.Add(new StillFailing(frame, result.Error!, result.Reason));
                        }
                    }
                }

                var touched = Store(accepted, sinks);
                foreach (var sink in touched) sink.Flush();
                quarantine.Mark(accepted.ConvertAll(a => a.Frame), clock(), failing);
                reparsed += accepted.Count;
                progress?.Invoke(chunk.Length);
            }
        }
        finally
        {
            foreach (var sink in sinks.Values) sink.Dispose();
        }
        return new ReparseSummary(reparsed, stillFailing, reasons, rawCut, framing, unknown);
    }

    private static ParseResult Parse(IFrameParser parser, byte[] raw)
    {
        try
        {
            return parser.Parse(raw);
        }
        catch (Exception e)
        {
            // As in the parser actor: a plugged-in parser's bug costs the frame it failed on, not the run.
            return ParseResult.Reject($"parser {parser.GetType().Name} threw {e.GetType().Name}: {e.Message}", "parser-exception");
        }
    }

    /// <summary>
    /// Writes the accepted frames to their sources' data sinks, consecutive frames of one read (same connection and
    /// receivedAt, consecutive seq) as one batch, as the live pipeline would have; returns the sinks written to.
    /// </summary>
    private HashSet<IFrameSink> Store(List<(QuarantinedFrame Frame, Route Route, ParseResult Result)> accepted, Dictionary<string, IFrameSink> sinks)
    {
        var touched = new HashSet<IFrameSink>();
        var start = 0;
        while (start < accepted.Count)
        {
            var end = start + 1;
            while (end < accepted.Count && Continues(accepted[end - 1].Frame, accepted[end].Frame)) end++;
            var batch = Batch(accepted, start, end);
            var route = accepted[start].Route;
            foreach (var name in route.Sinks)
            {
                var sink = SinkOf(name, sinks);
                sink.Write(batch, accepted: true, rejected: false);
                touched.Add(sink);
            }
            start = end;
        }
        return touched;
    }

    private static bool Continues(QuarantinedFrame previous, QuarantinedFrame next) =>
        next.Source == previous.Source && next.Connection == previous.Connection && next.Peer == previous.Peer
        && next.ClientSubject == previous.ClientSubject
        && next.ReceivedAt == previous.ReceivedAt && next.Seq == previous.Seq + 1;

    private static ParsedBatch Batch(List<(QuarantinedFrame Frame, Route Route, ParseResult Result)> accepted, int start, int end)
    {
        var count = end - start;
        var first = accepted[start].Frame;
        var buffer = new byte[accepted.Skip(start).Take(count).Sum(a => a.Frame.Raw.Length)];
        var slices = new FrameSpan[count];
        var payloads = new ReadOnlyMemory<byte>[count];
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            var (frame, _, result) = accepted[start + i];
            frame.Raw.CopyTo(buffer, offset);
            slices[i] = new FrameSpan(offset, frame.Raw.Length);
            payloads[i] = result.Payload;
            offset += frame.Raw.Length;
        }
        var frames = new FrameBatch(new ConnectionInfo(first.Source, first.Connection, first.Peer) { ClientSubject = first.ClientSubject }, first.Seq, first.ReceivedAt, buffer, slices, count,
            rejections: null);
        return new ParsedBatch(frames, accepted[start].Route.Parser.Format, null, payloads);
    }

    private Route? RouteOf(string source, Dictionary<string, Route?> routes)
    {
        if (routes.TryGetValue(source, out var known)) return known;
        Route? route = null;
        if (_settings.Sources.FirstOrDefault(s => s.Name == source) is { } settings)
        {
            if (!_parsers.TryGetValue(settings.Parser, out var parser))
            {
                throw new InvalidConfigurationException([
                    $"sources.{source}.parser: \"{settings.Parser}\" is not a registered parser; expected one of: {string.Join(", ", _parsers.Keys.Order())}"]);
            }
            route = new Route(parser(), settings.Sinks);
        }
        routes[source] = route;
        return route;
    }

    private IFrameSink SinkOf(string name, Dictionary<string, IFrameSink> sinks)
    {
        if (sinks.TryGetValue(name, out var open)) return open;
        var settings = _settings.Sinks[name];
        if (!_sinkTypes.TryGetValue(settings.Type, out var create))
            throw new InvalidConfigurationException([$"sinks.{name}.type: \"{settings.Type}\" is not a registered sink type"]);
        var sink = create(settings);
        sinks[name] = sink;
        return sink;
    }

    /// <summary>A source as reparse needs it: its current parser and the names of its data sinks.</summary>
    private sealed record Route(IFrameParser Parser, IReadOnlyList<string> Sinks);
}
