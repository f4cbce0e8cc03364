using ActorNet.Monitoring;
using Xunit;

namespace ActorNet.Tests.Monitoring;

public sealed class LogBudgetSpec
{
    [Fact]
    public void Lets_through_the_budget_per_second_and_hands_the_held_back_count_to_the_next_window()
    {
        var budget = new LogBudget(3);

        var first = Enumerable.Range(0, 10).Select(i => budget.TryTake(1_000 + i, out _)).ToArray();
        Assert.Equal([true, true, true, false, false, false, false, false, false, false], first);

        Assert.True(budget.TryTake(2_000, out var suppressed));
        Assert.Equal(7, suppressed);
        Assert.True(budget.TryTake(2_001, out suppressed));
        Assert.Equal(0, suppressed);
    }

    [Fact]
    public void A_window_lasts_one_second_from_its_first_event()
    {
        var budget = new LogBudget(1);

        Assert.True(budget.TryTake(5_000, out _));
        Assert.False(budget.TryTake(5_999, out _));
        Assert.True(budget.TryTake(6_000, out var suppressed));
        Assert.Equal(1, suppressed);
    }
}
