using System.Net.Sockets;
using ActorNet.Configuration;
using ActorNet.Hosting.Reload;
using ActorNet.Logging;
using ActorNet.Metrics;
using ActorNet.Monitoring;
using Akka.Actor;

namespace ActorNet.Hosting;

/// <summary>Reading the configuration again while ActorNet runs (SIGHUP, <c>POST /api/reload</c>).</summary>
public sealed partial class ActorNetService
{
    // One reload at a time: each is worked out against the settings the one before left running.
    private readonly SemaphoreSlim _reloading = new(1, 1);

    private Microsoft.Extensions.Logging.ILogger ReloadLog => ActorNetLogging.Get(_system).Hosting;

    /// <summary>
    /// Reads the configuration again from where <see cref="ActorNetOptions.ReloadFrom"/> says and applies it: sources
    /// and sinks that were added, removed or changed are started, drained or restarted (no frame read is lost: the
    /// drain is the shutdown's), everything else keeps running untouched. An invalid file changes nothing. Keys
    /// that cannot change while ActorNet runs are listed in the change's <see cref="ConfigurationChange.NeedsRestart"/>
    /// and otherwise ignored. Each reload is logged once and counted in <c>actornet_config_reloads_total</c>.
    /// </summary>
    /// <param name="trigger">What asked for it, for the log (<c>SIGHUP</c>, <c>POST /api/reload</c>).</param>
    /// <param name="waitIfBusy">Wait for a reload under way to finish (true), or answer <see cref="ReloadOutcome.Busy"/> at once.</param>
    public async Task<ReloadResult> ReloadAsync(string trigger, bool waitIfBusy = false)
    {
        if (_options.ReloadSource is not { } load)
        {
            ReloadLog.NothingToReload(trigger);
            ActorNetMetrics.ConfigReloads.Add(1, Result("rejected"));
            return ReloadResult.Refused(ReloadOutcome.NothingToReload,
                "ActorNet was started without a configuration file (actornet run with no --config runs on the embedded default): " +
                "there is nothing to read again");
        }
        if (!await _reloading.WaitAsync(waitIfBusy ? Timeout.InfiniteTimeSpan : TimeSpan.Zero).ConfigureAwait(false))
        {
            ReloadLog.ReloadBusy(trigger);
            return ReloadResult.Refused(ReloadOutcome.Busy, "another reload is under way; try again once it is over");
        }
        try
        {
            var result = await ApplyAsync(load).ConfigureAwait(false);
            if (result.Outcome == ReloadOutcome.Applied)
            {
                var change = result.Change!;
                ActorNetMetrics.ConfigReloads.Add(1, Result("applied"));
                ReloadLog.ReloadApplied(trigger, Describe(change.Sources), Describe(change.Sinks));
                if (change.NeedsRestart.Count > 0) ReloadLog.ReloadNeedsRestart(string.Join(", ", change.NeedsRestart));
            }
            else
            {
                ActorNetMetrics.ConfigReloads.Add(1, Result("rejected"));
                ReloadLog.ReloadRejected(trigger, string.Join("; ", result.Errors));
            }
            return result;
        }
        finally
        {
            _reloading.Release();
        }
    }

    private async Task<ReloadResult> ApplyAsync(Func<Akka.Configuration.Config> load)
    {
        var running = _settings;
        ActorNetSettings read;
        try
        {
            read = ActorNetSettings.Create(load(), _options.Parsers.Keys.ToArray(), _options.SinkTypes.Keys.ToArray());
        }
        catch (InvalidConfigurationException e)
        {
            return ReloadResult.Refused(ReloadOutcome.Rejected, [.. e.Errors]);
        }

        // Only sources and sinks change; every other key keeps its running value (listed as needing a restart).
        var next = running with { Sources = read.Sources, Sinks = read.Sinks };
        var change = ConfigurationChange.Between(running, read).Reviving(WillNotTryAgain(running));
        // The process budget keeps its running size: every read of every source must still fit in it.
        var tooWide = next.Sources.Where(s => s.ReadBufferSize > running.MaxBufferedBytes)
            .Select(s => $"actornet.sources.{s.Name}.read-buffer-size: \"{s.ReadBufferSize}\" does not fit in the running actornet.max-buffered-bytes " +
                $"({running.MaxBufferedBytes} bytes), which only a restart changes; expected at most that")
            .ToArray();
        if (tooWide.Length > 0) return ReloadResult.Refused(ReloadOutcome.Rejected, tooWide);
        if (ClusterFeedsChanged(running, next, change) is { Length: > 0 } feedErrors) return ReloadResult.Refused(ReloadOutcome.Rejected, feedErrors);

        Dictionary<string, Socket> sockets;
        int? descriptorCap;
        try
        {
            sockets = BindStarting(running, next, change);
        }
        catch (InvalidConfigurationException e)
        {
            return ReloadResult.Refused(ReloadOutcome.Rejected, [.. e.Errors]);
        }
        try
        {
            // Planned as at start, for the sources the reload leaves (their new listening sockets are open now): a
            // source added, or a max-connections raised, gets room within the descriptor limit, not the cap of the
            // configuration ActorNet started with.
            descriptorCap = PlanDescriptorCap(_system, next, peersOpen: _descriptors.InUse);
        }
        catch (InvalidConfigurationException e)
        {
            foreach (var socket in sockets.Values) socket.Dispose();
            return ReloadResult.Refused(ReloadOutcome.Rejected, [.. e.Errors]);
        }

        // Bounded by the drain's own bound: stopping sources drain as they would at shutdown.
        var reply = await Guardian.Ask<object>(new ReloadProtocol.Apply(next, change, sockets),
            running.ShutdownTimeout + TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (reply is not ReloadProtocol.Applied applied)
            return ReloadResult.Refused(ReloadOutcome.Rejected, "ActorNet is shutting down: the configuration is no longer reloaded");
        _descriptors.Resize(descriptorCap ?? int.MaxValue);
        _settings = next;
        return new ReloadResult(ReloadOutcome.Applied, change, [], applied.Failures);
    }

    /// <summary>
    /// Sources of <paramref name="running"/> that will never try again on their own: a feed that gave up, a source
    /// stopped for good, one a reload could not start. A cluster's feeds are the cluster's to move, not a reload's.
    /// </summary>
    private string[] WillNotTryAgain(ActorNetSettings running) =>
        running.Sources
            .Where(s => !(running.Cluster.Enabled && s.Type == SourceType.TcpConnect))
            .Where(s => Status.Source(s.Name) is not { } status || status.State is SourceStates.GaveUp or SourceStates.Stopped)
            .Select(s => s.Name)
            .ToArray();

    /// <summary>
    /// The listening sockets of added and restarted sources, bound before anything stops so that a taken address
    /// rejects the whole reload; except an address a stopping source holds now, which the guardian binds once that
    /// source has let go of it (<see cref="ConfigurationChange.BindsAfterDrain"/>).
    /// </summary>
    private static Dictionary<string, Socket> BindStarting(ActorNetSettings running, ActorNetSettings next, ConfigurationChange change)
    {
        var starting = change.Sources.Starting.ToHashSet(StringComparer.Ordinal);
        var sockets = new Dictionary<string, Socket>(StringComparer.Ordinal);
        try
        {
            foreach (var source in next.Sources.Where(s => starting.Contains(s.Name) && s.Type is (SourceType.TcpListen or SourceType.Udp)))
                if (!ConfigurationChange.BindsAfterDrain(running, change, source)) sockets[source.Name] = Bind(source);
            return sockets;
        }
        catch
        {
            foreach (var socket in sockets.Values) socket.Dispose();
            throw;
        }
    }

    private static string Describe(ConfigurationChange.Set set) =>
        $"added [{string.Join(", ", set.Added)}], removed [{string.Join(", ", set.Removed)}], restarted [{string.Join(", ", set.Restarted)}], " +
        $"unchanged [{string.Join(", ", set.Unchanged)}]";

    private static KeyValuePair<string, object?> Result(string result) => new("result", result);
}
