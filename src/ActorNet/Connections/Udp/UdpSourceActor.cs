using System.Net;
using System.Net.Sockets;
using ActorNet.Configuration;
using ActorNet.Logging;
using ActorNet.Metrics;
using ActorNet.Monitoring;
using ActorNet.Protocol;
using ActorNet.Recording;
using Akka.Actor;

namespace ActorNet.Connections.Udp;

/// <summary>
/// A udp source: receives datagrams through its <see cref="UdpReceiver"/> in rounds, turns them into batches with a
/// <see cref="UdpFrameCutter"/> and sends each to the parser the sender's connection id picks, exactly as a TCP
/// connection does (the same parsers, sinks, quarantine and acknowledgements). Each sender address is a peer
/// (<see cref="UdpPeer"/>) with its own seq, listed in /api/connections; sinks acknowledge to the peer's own reference,
/// a child (<see cref="UdpPeerRelay"/>) that brings the acknowledgement here with the peer it is for. A round makes one
/// batch per sender (<see cref="UdpRoundGroups{TPeer}"/>), however the senders interleave. With recording on, each
/// datagram is recorded as one read of its peer, each echo or write as a write, and a peer's first datagram and its
/// eviction as the open and close of its connection.
///
/// Back-pressure: the next round starts only while the source's frames and bytes in flight are below max-inflight-frames
/// and max-inflight-bytes (all peers together) and the round fits in the process budget; otherwise the socket is left
/// unread, its kernel buffer fills, and the kernel drops and counts what overflows (actornet_udp_kernel_drops_total).
/// <code>
///   Receiving --round told--> (batches sent) --limits allow--> Receiving (next round)
///   Receiving --limits or budget full--> (paused) --acks or BudgetAvailable--> Receiving
///   Receiving --Drain--> Draining --round ends (socket closed)--> Drained (answered) 
///   Receiving --socket error--> stopped (the guardian shows the source stopped)
/// </code>
/// </summary>
internal sealed class UdpSourceActor : UntypedActor
{
    private readonly SourceSettings _settings;
    private readonly IReadOnlyList<IActorRef> _parsers;
    private readonly int _sinkSlots;
    private readonly SourceStatus _status;
    private readonly ProcessBudget _budget;
    private readonly UdpSourceState _state;
    private readonly KeyValuePair<string, object?> _sourceTag;
    private readonly Microsoft.Extensions.Logging.ILogger _log = ActorNetLogging.Get(Context.System).Listener;
    private readonly Microsoft.Extensions.Logging.ILogger _connectionLog = ActorNetLogging.Get(Context.System).Connection;
    private readonly SocketAddress _lookup;
    private readonly List<FrameBatch> _batches = [];
    private readonly List<UdpPeer> _evicted = [];
    private readonly UdpRoundGroups<UdpPeer> _round = new(UdpChunk.MaxDatagrams);
    private readonly SourceRecorder? _recorder;
    private readonly Waiter _waiter;

    public UdpSourceActor(SourceSettings settings, IReadOnlyList<IActorRef> parsers, int sinkSlots, SourceStatus status, ProcessBudget budget,
        UdpSourceState state)
    {
        _settings = settings;
        _parsers = parsers;
        _sinkSlots = sinkSlots;
        _status = status;
        _budget = budget;
        _state = state;
        _sourceTag = ActorNetMetrics.Source(settings.Name);
        _lookup = new SocketAddress(state.Receiver.Socket.AddressFamily);
        _waiter = new Waiter(Self, status, _sourceTag);
        _recorder = Recorders.For(Context.System, settings);
    }

    internal static Props Props(SourceSettings settings, Socket socket, IReadOnlyList<IActorRef> parsers, int sinkSlots, SourceStatus status,
        ProcessBudget budget)
    {
        // Created once per source, outside the factory: every incarnation shares it.
        var state = new UdpSourceState(settings, new UdpReceiver(socket, settings.Name),
            new UdpFrameCutter(settings.Framing, settings.ReadBufferSize, settings.QuarantineRawLimit));
        return Akka.Actor.Props.Create(() => new UdpSourceActor(settings, parsers, sinkSlots, status, budget, state));
    }

    private UdpReceiver Receiver => _state.Receiver;

    protected override void PreStart()
    {
        ActorKinds.Started(ActorKinds.Listener, Self);
        if (_state.Started) return;
        _state.Started = true;
        var socket = Receiver.Socket;
        var granted = socket.ReceiveBufferSize;
        _status.ReceiveBufferRequested = _settings.Udp.ReceiveBufferSize;
        _status.ReceiveBufferGranted = granted;
        _log.Receiving(_settings.Name, socket.LocalEndPoint, _settings.Udp.ReceiveBufferSize, granted);
        if (_settings.Udp.ReceiveBufferSize is { } requested && granted < requested)
            _log.ReceiveBufferClamped(_settings.Name, requested, granted);
        if (UdpKernelDrops.For(socket) is { } drops) UdpMetrics.Observe(_state, _settings.Name, drops);
        _status.SetState(SourceStates.Listening);
        ContinueReceiving();
    }

    protected override void PreRestart(Exception reason, object message)
    {
        // Keep the socket, the peers and the round under way (the default would run PostStop and close the socket).
        _budget.Leave(_waiter);
    }

    protected override void PostRestart(Exception reason)
    {
        ActorKinds.Restarted(ActorKinds.Listener);
        ActorKinds.Started(ActorKinds.Listener, Self);
        _status.ConnectionRestarted();
        ContinueReceiving();
    }

    protected override void PostStop()
    {
        Receiver.Dispose();
        UdpMetrics.Forget(_state);
        _budget.Leave(_waiter);
        // Buffers of batches still at the sinks go to the GC, not the pool: nobody will acknowledge them here any more.
        _budget.Adjust(-(_state.PinnedBytes + _state.Reserved), -_state.PinnedBytes);
        Inflight(-_state.InflightFrames, -_state.PinnedBytes);
        _state.Reserved = 0;
        foreach (var peer in _state.Peers.Peers.ToArray()) Forget(peer, "the source stopped");
        _status.SetState(SourceStates.Stopped);
        ActorKinds.Stopped(Self);
    }

    protected override void OnReceive(object message) => Receiving(message);

    private void Receiving(object message)
    {
        switch (message)
        {
            case UdpChunk chunk:
                Receiver.ReceiveHandled();
                Process(chunk);
                ContinueReceiving();
                break;
            case ParsedBatch ack:
                Acknowledge(ack);
                break;
            case UdpProtocol.ForPeer forPeer:
                ForPeer(forPeer);
                break;
            case ConnectionProtocol.BudgetAvailable:
                ContinueReceiving();
                break;
            case UdpProtocol.ReceiveStopped:
                Receiver.ReceiveHandled();
                break;
            case UdpProtocol.ReceiveFailed failed:
                Receiver.ReceiveHandled();
                _log.ReceiveFailed(failed.Cause, _settings.Name, failed.Cause.Message);
                _status.SetState(SourceStates.Stopped, $"receive failed: {failed.Cause.Message}");
                Context.Stop(Self);
                break;
            case ConnectionProtocol.WriteTo write:
                if (FindPeer(write.ConnectionId) is { } target) Write(target, write.Payload, Sender);
                else Sender.Tell(ConnectionProtocol.ConnectionNotFound.Instance);
                break;
            case ConnectionProtocol.Broadcast broadcast:
                var sent = 0;
                foreach (var peer in _state.Peers.Peers)
                    if (SendTo(peer, broadcast.Payload.Span)) sent++;
                Sender.Tell(new ConnectionProtocol.BroadcastSent(sent));
                break;
            case ConnectionProtocol.Drain:
                _state.DrainRequester = Sender;
                _budget.Leave(_waiter);
                _status.SetState(SourceStates.Draining);
                Become(Draining);
                // Closing the socket ends a round that waits; one already told is still handled below.
                Receiver.Dispose();
                if (!Receiver.ReceivePending) Drained();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Draining(object message)
    {
        switch (message)
        {
            case UdpChunk chunk:
                Receiver.ReceiveHandled();
                Process(chunk);
                Drained();
                break;
            case UdpProtocol.ReceiveStopped or UdpProtocol.ReceiveFailed:
                Receiver.ReceiveHandled();
                Drained();
                break;
            case ParsedBatch ack:
                Acknowledge(ack);
                break;
            case UdpProtocol.ForPeer forPeer:
                ForPeer(forPeer);
                break;
            case ConnectionProtocol.WriteTo:
                Sender.Tell(ConnectionProtocol.ConnectionNotFound.Instance);
                break;
            case ConnectionProtocol.Broadcast:
                Sender.Tell(new ConnectionProtocol.BroadcastSent(0));
                break;
        }
    }

    private void Drained()
    {
        if (_state.DrainRequester is not { } requester) return;
        _state.DrainRequester = null;
        _connectionLog.SourceDrained(_settings.Name);
        requester.Tell(ConnectionProtocol.Drained.Instance);
    }

    /// <summary>Starts the next round when the source's limits and the process budget allow it; otherwise waits for acknowledgements or the budget.</summary>
    private void ContinueReceiving()
    {
        if (Receiver.ReceivePending || Receiver.IsDisposed || _state.DrainRequester is not null) return;
        var reserve = (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)_state.Chunk.Buffer.Length);
        if (_state.InflightFrames >= _settings.MaxInflightFrames
            || (_state.PinnedBytes > 0 && _state.PinnedBytes + reserve > _settings.MaxInflightBytes))
        {
            // Held back by its own limits: its place in the budget's queue would hold up the connections behind it.
            _budget.Leave(_waiter);
            return;
        }
        if (!_budget.TryReserve(_waiter, reserve, firstRead: _state.PinnedBytes == 0)) return;
        _state.Reserved = reserve;
        Receiver.BeginReceive(_state.Chunk, Self);
    }

    private void Process(UdpChunk chunk)
    {
        var receivedAt = DateTime.UtcNow;
        var pinned = 0L;
        _round.Clear();
        _evicted.Clear();
        UdpPeer? previous = null;
        for (var i = 0; i < chunk.Count; i++)
        {
            // Senders mostly come in runs: the previous datagram's address is compared before the table is asked.
            var peer = previous is not null && chunk.Address(i).SequenceEqual(chunk.Address(i - 1)) ? previous : PeerAt(chunk.Address(i));
            _round.Add(peer);
            _recorder?.Read(peer.Info, chunk.Received(i), receivedAt);
            previous = peer;
        }
        _round.Group();
        for (var group = 0; group < _round.Count; group++)
        {
            var peer = _round.Peer(group);
            var datagrams = _round.Datagrams(group);
            var bytes = 0;
            foreach (var i in datagrams) bytes += chunk[i].FullLength;
            Received(peer, datagrams.Length, bytes);
            if (_settings.Reply == ReplyMode.Echo)
            {
                foreach (var i in datagrams)
                    if (!chunk[i].Truncated) SendTo(peer, chunk.Bytes(i));
            }
            var nextSeq = peer.Ledger.NextSeq;
            _batches.Clear();
            _state.Cutter.Cut(chunk, datagrams, peer.Info, ref nextSeq, receivedAt, _batches);
            foreach (var batch in _batches) pinned += Send(peer, batch);
        }
        // Peers evicted by newer ones leave the views only now: their datagrams of this round were sent above, so their
        // references stay until those batches are acknowledged.
        foreach (var old in _evicted)
            Forgotten(old, $"least recently seen of more than max-peers ({_settings.Udp.MaxPeers})");
        _evicted.Clear();
        // The round's reservation gives way to what its batches hold, all of it in motion (awaiting the sinks).
        _budget.Adjust(pinned - _state.Reserved, pinned);
        _state.Reserved = 0;
        _batches.Clear();
    }

    /// <summary>The peer at <paramref name="address"/>, made and opened when new (evicted peers go to <see cref="_evicted"/>).</summary>
    private UdpPeer PeerAt(ReadOnlySpan<byte> address)
    {
        address.CopyTo(_lookup.Buffer.Span);
        _lookup.Size = address.Length;
        if (_state.Peers.Touch(_lookup) is { } known) return known;

        var copy = UdpPeerTable.Copy(address, _lookup.Family);
        var id = ConnectionIds.Next();
        var info = new ConnectionInfo(_settings.Name, id, IPEndPointOf(copy) ?? copy.ToString());
        var peer = new UdpPeer(info, copy, _sinkSlots);
        peer.Relay = Context.ActorOf(UdpPeerRelay.Props(peer), $"peer-{id}");
        peer.Status = new ConnectionStatus(id, _settings.Name, info.Peer, peer.Relay);
        _state.Acknowledging.Add(id, peer);
        _status.Owner.Opened(peer.Status);
        _status.Accepted();
        ActorNetMetrics.ConnectionsActive.Add(1, _sourceTag);
        ActorNetMetrics.ConnectionsAccepted.Add(1, _sourceTag);
        _connectionLog.Opened(id, info.Peer, _settings.Name);
        _recorder?.Opened(info, _state.LocalEndPoint, datagrams: true);
        _state.Peers.Add(peer, _evicted);
        return peer;
    }

    /// <summary>Sends a datagram to <paramref name="peer"/> (an echo, a write, a broadcast), recorded as a write when it went.</summary>
    private bool SendTo(UdpPeer peer, ReadOnlySpan<byte> payload)
    {
        if (!Receiver.TrySendTo(payload, peer.Address)) return false;
        _recorder?.Wrote(peer.Info, payload);
        return true;
    }

    private static string? IPEndPointOf(SocketAddress address)
    {
        try
        {
            var any = address.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
            return new IPEndPoint(any, 0).Create(address).ToString();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The peer leaves the table and the views; its reference stays until its batches are acknowledged.</summary>
    private void Forget(UdpPeer peer, string reason)
    {
        if (!_state.Peers.Contains(peer)) return;
        _state.Peers.Remove(peer);
        Forgotten(peer, reason);
    }

    /// <summary>A peer that left the table leaves the views too.</summary>
    private void Forgotten(UdpPeer peer, string reason)
    {
        _status.Owner.Closed(peer.Info.Id);
        ActorNetMetrics.ConnectionsActive.Add(-1, _sourceTag);
        _log.PeerForgotten(_settings.Name, peer.Info.Peer, peer.Info.Id, reason);
        _connectionLog.Closed(peer.Info.Id, peer.Info.Peer, _settings.Name, reason, peer.Ledger.NextSeq - 1);
        _recorder?.Closed(peer.Info, reason, DateTime.UtcNow);
        peer.Status = null!;
        RemoveReferenceWhenDone(peer);
    }

    private void RemoveReferenceWhenDone(UdpPeer peer)
    {
        if (_state.Peers.Contains(peer) || peer.HasInflight || peer.Relay.IsNobody()) return;
        Context.Stop(peer.Relay);
        peer.Relay = ActorRefs.Nobody;
        _state.Acknowledging.Remove(peer.Info.Id);
    }

    private void Received(UdpPeer peer, int datagrams, int bytes)
    {
        ActorNetMetrics.BytesReceived.Add(bytes, _sourceTag);
        ActorNetMetrics.SocketReads.Add(datagrams, _sourceTag);
        peer.Status?.Read(bytes);
        _status.Received(0, bytes);
    }

    /// <summary>Sends one batch to the peer's parser; returns the bytes it pins.</summary>
    private long Send(UdpPeer peer, FrameBatch batch)
    {
        ActorNetMetrics.FramesReceived.Add(batch.Count, _sourceTag);
        peer.Status?.Framed(batch.Count, batch.ReceivedAt);
        _status.Received(batch.Count, 0);
        peer.Ledger.Sent(batch);
        _state.InflightFrames += batch.Count;
        _state.PinnedBytes += batch.HeldBytes;
        Inflight(batch.Count, batch.HeldBytes);
        peer.Status?.Held(peer.Ledger.PinnedBytes);
        var held = batch.HeldBytes;
        batch.SendTo(_parsers[(int)(peer.Info.Id % _parsers.Count)], Self);
        return held;
    }

    private void ForPeer(UdpProtocol.ForPeer forPeer)
    {
        var peer = forPeer.Peer;
        switch (forPeer.Message)
        {
            case FramesCommitted:
                // ack.enabled is refused for udp sources: nothing to write back.
                break;
            case ConnectionProtocol.Close close:
                Forget(peer, close.Reason);
                break;
            case ConnectionProtocol.Write write:
                Write(peer, write.Payload, forPeer.Sender);
                break;
        }
    }

    private void Write(UdpPeer peer, ReadOnlyMemory<byte> payload, IActorRef replyTo)
    {
        if (SendTo(peer, payload.Span)) replyTo.Tell(new Status.Success(peer.Info.Id));
        else replyTo.Tell(new Status.Failure(new InvalidOperationException($"connection {peer.Info.Id}: the datagram could not be sent to {peer.Info.Peer}")));
    }

    /// <summary>A batch came back from a sink: its peer is the one whose connection it carries, kept until all its batches are.</summary>
    private void Acknowledge(ParsedBatch ack)
    {
        if (_state.Acknowledging.TryGetValue(ack.Connection.Id, out var peer)) Acknowledge(peer, ack);
        ack.Returned();
    }

    private void Acknowledge(UdpPeer peer, ParsedBatch ack)
    {
        var before = peer.Ledger.Inflight;
        List<AckGap>? gaps = null;
        peer.Ledger.Apply(ack, ref gaps);
        if (gaps is not null)
            foreach (var gap in gaps)
                _connectionLog.NeverReachedSink(peer.Info.Id, _settings.Name, gap.From, gap.To, gap.Slot, _settings.AllSinks[gap.Slot]);
        var released = 0L;
        while (peer.Ledger.TryRelease(out var batch))
        {
            released += batch.HeldBytes;
            batch.Release();
        }
        var frames = peer.Ledger.Inflight - before;
        _state.InflightFrames += frames;
        _state.PinnedBytes -= released;
        Inflight(frames, -released);
        if (released > 0) _budget.Adjust(-released, -released);
        peer.Status?.Held(peer.Ledger.PinnedBytes);
        RemoveReferenceWhenDone(peer);
        ContinueReceiving();
    }

    private void Inflight(long frames, long bytes)
    {
        if (frames != 0) ActorNetMetrics.InflightFrames.Add(frames, _sourceTag);
        if (bytes == 0) return;
        ActorNetMetrics.InflightBytes.Add(bytes, _sourceTag);
        _status.Held(bytes);
    }

    private UdpPeer? FindPeer(long connectionId)
    {
        foreach (var peer in _state.Peers.Peers)
            if (peer.Info.Id == connectionId) return peer;
        return null;
    }

    /// <summary>The source's place in the process budget's queue; Resume only tells the actor, which tries on its own thread.</summary>
    private sealed class Waiter(IActorRef source, SourceStatus status, KeyValuePair<string, object?> sourceTag) : BudgetWaiter
    {
        private static readonly KeyValuePair<string, object?> ProcessBudgetReason = ActorNetMetrics.Reason("process-budget");

        protected internal override void Paused()
        {
            ActorNetMetrics.ReadsPaused.Add(1, sourceTag, ProcessBudgetReason);
            status.PausedByProcessBudget();
        }

        protected internal override void Resume() => source.Tell(ConnectionProtocol.BudgetAvailable.Instance, ActorRefs.NoSender);
    }
}
