using ActorNet.Files;
using Xunit;

namespace ActorNet.Tests.Files;

public sealed class CommitPositionsSpec
{
    [Fact]
    public void A_commit_gives_the_end_of_the_last_batch_it_covers_wholly()
    {
        var positions = new CommitPositions();
        positions.Sent(lastSeq: 3, end: 30);
        positions.Sent(lastSeq: 5, end: 52);
        positions.Sent(lastSeq: 9, end: 90);

        Assert.Null(positions.Committed(2));
        Assert.Equal(52, positions.Committed(7));
        Assert.Equal(1, positions.Pending);
        Assert.Equal(90, positions.Committed(9));
        Assert.Null(positions.Committed(9));
    }

    [Fact]
    public void After_a_truncation_the_checkpoint_moves_back_to_the_new_content()
    {
        var positions = new CommitPositions();
        positions.Sent(lastSeq: 10, end: 500);
        positions.Sent(lastSeq: 11, end: 0); // the old content's partial frame, quarantined at the truncation
        positions.Sent(lastSeq: 14, end: 40);

        Assert.Equal(500, positions.Committed(10));
        Assert.Equal(40, positions.Committed(14));
    }
}
