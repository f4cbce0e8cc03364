using System.CommandLine;
using ActorNet.Host.Commands.FeedSim;
using ActorNet.Host.Commands.Record;
using ActorNet.Host.Commands.Reparse;
using ActorNet.Host.Commands.Replay;
using ActorNet.Host.Commands.Send;
using ActorNet.Host.Commands.Status;
using ActorNet.Host.Commands.Tap;
using ActorNet.Host.Commands.Top;
using ActorNet.Host.Logging;

namespace ActorNet.Host.Commands;

/// <summary>The command tree; <c>run</c> is also what the bare <c>actornet</c> does.</summary>
public static class ActorNetCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("ActorNet: a supervised, actor-per-connection TCP ingestion server");
        var rootConfig = RunCommand.ConfigOption();
        var rootLogLevel = LogLevelOption.Create();
        root.Options.Add(rootConfig);
        root.Options.Add(rootLogLevel);
        root.SetAction((result, token) => RunCommand.RunAsync(result.GetValue(rootConfig), token, result.GetValue(rootLogLevel)));
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(CheckConfigCommand.Create());
        root.Subcommands.Add(SendCommand.Create());
        root.Subcommands.Add(FeedSimCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(TopCommand.Create());
        root.Subcommands.Add(TapCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(RecordCommand.Create());
        root.Subcommands.Add(ReparseCommand.Create());
        return root;
    }
}
