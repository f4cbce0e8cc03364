using ActorNet.Configuration;
using ActorNet.Metrics;
using ActorNet.Pipeline;
using ActorNet.Monitoring;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Sinks;

/// <summary>
/// Puts one <see cref="IFrameSink"/> behind a mailbox: writes each batch, acknowledges it to the connection it
/// came from (which returns read credits), flushes on an interval and at stop.
///
/// <code>
///   Writing --write fails--> Retrying --retry succeeds--> Writing
/// </code>
/// While retrying, new batches queue behind the failed one (their connections run out of credits and stop
/// reading, so the queue is bounded by max-inflight-frames per connection) and are written in order later.
/// </summary>
public sealed class SinkActor : UntypedActor, IWithTimers
{
    internal const string DispatcherId = "actornet-internal.sink-dispatcher";

    private static readonly TimeSpan MinRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    private readonly SinkSettings _settings;
    private readonly Func<SinkSettings, IFrameSink> _factory;
    private readonly SinkStatus _status;
    private readonly KeyValuePair<string, object?> _sinkTag;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<SinkBatch> _retryQueue = new();
    private IFrameSink? _sink;
    private TimeSpan _retryDelay = MinRetry;

    public SinkActor(SinkSettings settings, Func<SinkSettings, IFrameSink> factory, SinkStatus status)
    {
        _status = status;
        _settings = settings;
        _factory = factory;
        _sinkTag = ActorNetMetrics.Sink(settings.Name);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SinkSettings settings, Func<SinkSettings, IFrameSink> factory, SinkStatus status)
    {
        var props = Akka.Actor.Props.Create(() => new SinkActor(settings, factory, status));
        return settings.DedicatedThread ? props.WithDispatcher(DispatcherId) : props;
    }

    private sealed class FlushTick
    {
        public static readonly FlushTick Instance = new();
    }

    private sealed class RetryTick
    {
        public static readonly RetryTick Instance = new();
    }

    protected override void PreStart()
    {
        _sink = _factory(_settings);
        Timers.StartPeriodicTimer(nameof(FlushTick), FlushTick.Instance, _settings.FlushInterval);
    }

    protected override void PostStop()
    {
        if (_retryQueue.Count > 0)
            _log.Error("Sink {Sink} stopped with {Batches} batches it could not write", _settings.Name, _retryQueue.Count);
        try
        {
            _sink?.Dispose();
        }
        catch (Exception e)
        {
            _log.Error(e, "Sink {Sink} failed to flush and close", _settings.Name);
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SinkBatch batch when _retryQueue.Count > 0:
                _retryQueue.Enqueue(batch);
                break;
            case SinkBatch batch:
                if (!TryWrite(batch)) StartRetrying(batch);
                break;
            case FlushTick:
                TryFlush();
                break;
            case RetryTick:
                Retry();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private bool TryWrite(SinkBatch batch)
    {
        try
        {
            var written = _sink!.Write(batch.Batch, batch.WriteAccepted, batch.WriteRejected);
            if (written > 0) ActorNetMetrics.SinkFramesWritten.Add(written, _sinkTag);
            batch.AckTo.Tell(new FramesAcknowledged(batch.AckSlot, batch.Batch.Frames.LastSeq));
            return true;
        }
        catch (Exception e)
        {
            ActorNetMetrics.SinkWriteFailures.Add(1, _sinkTag);
            _log.Error(e, "Sink {Sink} failed to write {Frames} frames of connection {ConnectionId}; retrying in {Delay}",
                _settings.Name, batch.Batch.Count, batch.Batch.Connection.Id, _retryDelay);
            return false;
        }
    }

    private void TryFlush()
    {
        try
        {
            _sink!.Flush();
        }
        catch (Exception e)
        {
            // The records stay buffered in the sink and are flushed again on the next tick.
            ActorNetMetrics.SinkWriteFailures.Add(1, _sinkTag);
            _log.Error(e, "Sink {Sink} failed to flush; retrying on the next flush", _settings.Name);
        }
    }

    private void StartRetrying(SinkBatch failed)
    {
        _retryQueue.Enqueue(failed);
        Timers.StartSingleTimer(nameof(RetryTick), RetryTick.Instance, _retryDelay);
    }

    private void Retry()
    {
        while (_retryQueue.TryPeek(out var batch))
        {
            if (!TryWrite(batch))
            {
                _retryDelay = TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, MaxRetry.Ticks));
                Timers.StartSingleTimer(nameof(RetryTick), RetryTick.Instance, _retryDelay);
                return;
            }
            _retryQueue.Dequeue();
        }
        _log.Info("Sink {Sink} is writing again", _settings.Name);
        _retryDelay = MinRetry;
    }
}
