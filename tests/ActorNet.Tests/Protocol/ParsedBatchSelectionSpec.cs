using ActorNet.Parsing;
using ActorNet.Tests.Sinks;
using Xunit;

namespace ActorNet.Tests.Protocol;

public sealed class ParsedBatchSelectionSpec
{
    private static readonly ActorNet.Protocol.ParsedBatch Mixed = TestBatches.Of(PayloadFormat.Text, 1,
        "a", TestBatches.Rejected("invalid-utf8", "bad", [0xFF], 1), "b", "c", TestBatches.Rejected("frame-too-long", "long", [], 9000));

    private static readonly ActorNet.Protocol.ParsedBatch Clean = TestBatches.Of(PayloadFormat.Text, 1, "a", "b");

    [Theory]
    [InlineData(true, false, new[] { 0, 2, 3 })]
    [InlineData(false, true, new[] { 1, 4 })]
    [InlineData(true, true, new[] { 0, 1, 2, 3, 4 })]
    [InlineData(false, false, new int[0])]
    public void A_data_sink_takes_the_accepted_entries_a_quarantine_the_rejected_and_a_sink_that_is_both_takes_all(bool accepted, bool rejected, int[] expected)
    {
        Assert.Equal(expected, Enumerable.Range(0, Mixed.Count).Where(i => Mixed.Selects(i, accepted, rejected)));
        Assert.Equal(expected.Length, Mixed.CountSelected(accepted, rejected));
    }

    [Theory]
    [InlineData(true, false, 2)]
    [InlineData(false, true, 0)]
    [InlineData(true, true, 2)]
    public void A_batch_with_nothing_rejected_counts_without_looking_at_entries(bool accepted, bool rejected, int expected) =>
        Assert.Equal(expected, Clean.CountSelected(accepted, rejected));
}
