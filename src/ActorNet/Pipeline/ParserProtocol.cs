using ActorNet.Protocol;

namespace ActorNet.Pipeline;

/// <summary>
/// What the guardian tells a parser when a sink it feeds is replaced by a reload: hold, then resume with the new
/// sinks. (The batches themselves are <see cref="FrameBatch"/>es.)
/// </summary>
public static class ParserProtocol
{
    /// <summary>Stop sending to the sinks and keep every batch from now on; replied with <see cref="Holding"/>.</summary>
    public sealed class Hold
    {
        public static readonly Hold Instance = new();
        private Hold() { }
    }

    /// <summary>
    /// Every batch this parser handled before it held has been sent to the sinks: once a sink's mailbox holds them,
    /// the sink may be stopped (its stop queues behind them) without losing any.
    /// </summary>
    public sealed class Holding
    {
        public static readonly Holding Instance = new();
        private Holding() { }
    }

    /// <summary>Send to <see cref="Route"/> from now on, the held batches first, in the order they came.</summary>
    public sealed record Resume(SourceRoute Route);
}
