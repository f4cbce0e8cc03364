using System.CommandLine;
using ActorNet.Host.Commands;

// actornet [run] [--config FILE] | actornet check-config FILE
// SIGTERM / Ctrl-C belong to the generic host (which drains ActorNet), not to the command-line parser.
return await ActorNetCommandLine.Build().Parse(args)
    .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
