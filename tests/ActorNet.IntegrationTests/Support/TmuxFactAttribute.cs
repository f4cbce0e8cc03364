using Xunit;

namespace ActorNet.IntegrationTests.Support;

/// <summary>
/// A test that runs a command on a pseudo-terminal through tmux (what a person at a terminal sees): skipped, saying
/// so, where tmux is not installed (Debian's tmux package).
/// </summary>
public sealed class TmuxFactAttribute : FactAttribute
{
    public TmuxFactAttribute()
    {
        if (TmuxSession.Executable is null) Skip = "tmux not found on PATH: install Debian's tmux package to run the terminal tests of top, tap and send";
    }
}
