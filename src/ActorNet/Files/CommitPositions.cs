namespace ActorNet.Files;

/// <summary>
/// Where each batch a file's tail sent ends in the file, so that a commit of seqs up to n becomes an offset to
/// checkpoint: the end of the last batch wholly committed. Batches are recorded in seq order and commits only grow,
/// so a queue suffices. Pure; kept across the tail actor's restarts with the rest of its state.
/// </summary>
internal sealed class CommitPositions
{
    private readonly Queue<(long LastSeq, long End)> _sent = new();

    /// <summary>A batch ending at seq <paramref name="lastSeq"/> was sent; its last entry ends at byte <paramref name="end"/> of the file.</summary>
    public void Sent(long lastSeq, long end) => _sent.Enqueue((lastSeq, end));

    /// <summary>Every sink committed up to <paramref name="upToSeq"/>: the offset after the last batch that covers, or null when none is whole.</summary>
    public long? Committed(long upToSeq)
    {
        long? end = null;
        while (_sent.TryPeek(out var batch) && batch.LastSeq <= upToSeq)
        {
            end = batch.End;
            _sent.Dequeue();
        }
        return end;
    }

    /// <summary>Batches sent and not yet wholly committed.</summary>
    public int Pending => _sent.Count;
}
