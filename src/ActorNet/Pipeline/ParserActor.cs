using System.Runtime.CompilerServices;
using ActorNet.Logging;
using ActorNet.Protocol;
using ActorNet.Metrics;
using ActorNet.Parsing;
using ActorNet.Monitoring;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Pipeline;

/// <summary>
/// Parses every frame of a batch and hands the result to each sink of the source. A connection always uses
/// the same parser actor, so its frames stay in order. A parser that rejects or throws only quarantines that
/// frame: the frames around it are unaffected.
/// <code>
///   Parsing --Hold (a reload replaces one of its sinks)--> Holding (batches stashed) --Resume(new route)--> Parsing
/// </code>
/// Holding is bounded by back-pressure: a connection stops reading while its batches are unacknowledged.
/// </summary>
public sealed class ParserActor : UntypedActor, IWithUnboundedStash
{
    private readonly string _source;
    private readonly SourceStatus _status;
    private readonly IFrameParser _parser;
    private readonly IFrameValidator? _validator;
    // In a box the Props share, so that a parser restarted after a reload keeps sending to the new sinks.
    private readonly StrongBox<SourceRoute> _routeBox;
    private SourceRoute Route => _routeBox.Value!;
    private readonly int _rawLimit;
    private readonly KeyValuePair<string, object?> _sourceTag;
    private readonly Microsoft.Extensions.Logging.ILogger _log = ActorNetLogging.Get(Context.System).Parser;

    // A peer that sends nothing but garbage must not turn the log into a copy of its stream.
    private readonly LogBudget _quarantineLog = new(QuarantineLinesPerSecond);
    private const int QuarantineLinesPerSecond = 20;

    public ParserActor(SourceStatus status, IFrameParser parser, StrongBox<SourceRoute> route, int rawLimit)
    {
        _status = status;
        _source = status.Name;
        _parser = parser;
        _validator = parser as IFrameValidator;
        _routeBox = route;
        _rawLimit = rawLimit;
        _sourceTag = ActorNetMetrics.Source(_source);
    }

    public static Props Props(SourceStatus status, IFrameParser parser, SourceRoute route, int rawLimit)
    {
        var box = new StrongBox<SourceRoute>(route);
        return Akka.Actor.Props.Create(() => new ParserActor(status, parser, box, rawLimit));
    }

    protected override void PreStart() => ActorKinds.Started(ActorKinds.Parser, Self);

    protected override void PostRestart(Exception reason)
    {
        ActorKinds.Restarted(ActorKinds.Parser);
        base.PostRestart(reason);
    }

    protected override void PostStop() => ActorKinds.Stopped(Self);

    public IStash Stash { get; set; } = null!;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case FrameBatch batch:
                Send(batch);
                break;
            case ParserProtocol.Hold:
                Become(Holding);
                Sender.Tell(ParserProtocol.Holding.Instance);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Holding(object message)
    {
        switch (message)
        {
            case FrameBatch:
                Stash.Stash();
                break;
            case ParserProtocol.Resume resume:
                _routeBox.Value = resume.Route;
                Become(OnReceive);
                Stash.UnstashAll();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>The same parsed batch to every sink of the route: each finds its part (its slot) in the batch's route.</summary>
    private void Send(FrameBatch batch)
    {
        var route = Route;
        var ackTo = batch.AckTo;
        var parsed = Parse(batch, route);
        for (var slot = 0; slot < route.Count; slot++)
            route.Sinks[slot].Tell(parsed, ackTo);
    }

    private ParsedBatch Parse(FrameBatch batch, SourceRoute route)
    {
        var rejections = batch.Rejections;
        var copiedRejections = false;
        ReadOnlyMemory<byte>[]? payloads = null;

        // The common case for text: the whole read checked in one vectorised pass.
        if (_validator is not null && batch.TryGetAsciiSeparatedFrames(out var all) && _validator.AreAllValid(all))
            return batch.Parsed(_parser.Format, null, null, route);

        var framingRejections = batch.Rejections;
        for (var i = 0; i < batch.Count; i++)
        {
            if (framingRejections is not null && framingRejections[i] is not null) continue;
            if (_validator is not null && _validator.IsValid(batch.FrameBytes(i))) continue;
            var frame = batch.Frame(i);
            ParseResult result;
            try
            {
                result = _parser.Parse(frame);
            }
            catch (Exception e)
            {
                // A plugged-in parser's bug must not cost more than the frame it failed on.
                result = ParseResult.Reject($"parser {_parser.GetType().Name} threw {e.GetType().Name}: {e.Message}", "parser-exception");
            }

            if (!result.IsAccepted)
            {
                if (!copiedRejections)
                {
                    rejections = rejections is null ? new RejectedFrame?[batch.Count] : (RejectedFrame?[])rejections.Clone();
                    copiedRejections = true;
                }
                rejections![i] = new RejectedFrame(result.Reason, result.Error!, frame[..Math.Min(frame.Length, _rawLimit)], frame.Length);
            }
            else if (!result.Payload.Equals(frame))
            {
                payloads ??= NewPayloads(batch);
                payloads[i] = result.Payload;
            }
        }

        if (rejections is not null) CountAndLog(batch, rejections);
        return batch.Parsed(_parser.Format, rejections, payloads, route);
    }

    private static ReadOnlyMemory<byte>[] NewPayloads(FrameBatch batch)
    {
        var payloads = new ReadOnlyMemory<byte>[batch.Count];
        for (var i = 0; i < batch.Count; i++) payloads[i] = batch.Frame(i);
        return payloads;
    }

    private void CountAndLog(FrameBatch batch, RejectedFrame?[] rejections)
    {
        var quarantined = rejections.Count(r => r is not null);
        _status.Quarantined(quarantined);
        _status.Owner.Connection(batch.Connection.Id)?.Quarantined(quarantined);
        for (var i = 0; i < rejections.Length; i++)
        {
            var rejected = rejections[i];
            if (rejected is null) continue;
            ActorNetMetrics.FramesQuarantined.Add(1, _sourceTag, ActorNetMetrics.Reason(rejected.Reason));
            if (!_quarantineLog.TryTake(Environment.TickCount64, out var suppressed)) continue;
            if (suppressed > 0) _log.QuarantineLinesSuppressed(suppressed, _source, QuarantineLinesPerSecond);
            _log.Quarantined(batch.FirstSeq + i, batch.Connection.Id, batch.Connection.Peer, _source, rejected.Error);
        }
    }
}
