namespace ActorNet.Sinks.Quarantine;

/// <summary>
/// The entries a quarantine sink stored, read back and marked for <c>actornet reparse</c>: one implementation per sink
/// type whose quarantine can be read (<see cref="JsonlQuarantine"/>, <see cref="SqliteQuarantine"/>, <see cref="PostgresQuarantine"/>).
/// </summary>
public interface IQuarantineStore : IDisposable
{
    /// <summary>
    /// The entries not yet marked resolved, received at or after <paramref name="since"/> (all when null), in the order
    /// they were stored. Read lazily: marking entries between two reads is allowed.
    /// </summary>
    IEnumerable<QuarantinedFrame> Unresolved(DateTime? since);

    /// <summary>
    /// Marks <paramref name="resolved"/> resolved at <paramref name="resolvedAt"/> and gives <paramref name="stillFailing"/>
    /// their new reasons, durably (committed or fsynced) before returning.
    /// </summary>
    void Mark(IReadOnlyList<QuarantinedFrame> resolved, DateTime resolvedAt, IReadOnlyList<StillFailing> stillFailing);
}
