using System.Text;
using ActorNet.Metrics;
using Xunit;

namespace ActorNet.Tests.Metrics;

public sealed class ProcStatSpec
{
    // A real line of /proc/<pid>/stat (proc(5)), its command name made awkward: spaces and a ") " inside.
    private const string Line =
        "4242 (dotnet) (x) y) S 1 4242 4242 0 -1 4194560 31337 0 12 0 250 75 0 0 20 0 23 0 98765 54385823744 27612 " +
        "18446744073709551615 1 1 0 0 0 0 0 4096 17663 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

    [Fact]
    public void Reads_cpu_ticks_start_time_and_memory_counting_fields_from_the_last_parenthesis()
    {
        Assert.True(ProcStat.TryParse(Encoding.ASCII.GetBytes(Line), out var stat));

        Assert.Equal(new ProcStat(UserTicks: 250, SystemTicks: 75, StartTicks: 98765, VirtualBytes: 54385823744, ResidentPages: 27612), stat);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 dotnet S 1")]
    [InlineData("4242 (dotnet) S 1 4242 4242 0 -1 4194560 31337 0 12 0 250")]
    [InlineData("4242 (dotnet) S 1 4242 4242 0 -1 4194560 31337 0 12 0 x 75 0 0 20 0 23 0 98765 1 2")]
    public void Refuses_a_line_that_is_truncated_or_not_numeric_where_a_number_belongs(string line)
    {
        Assert.False(ProcStat.TryParse(Encoding.ASCII.GetBytes(line), out _));
    }
}
