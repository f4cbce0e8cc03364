using System.CommandLine;
using System.Globalization;
using ActorNet.Configuration;
using ActorNet.Host.Commands.Tools;
using ActorNet.Hosting;
using ActorNet.Sinks.Quarantine;
using System.Data.Common;

namespace ActorNet.Host.Commands.Reparse;

/// <summary>
/// <c>actornet reparse --quarantine SINK --config FILE [--since T]</c>: runs the unresolved entries of quarantine sink
/// SINK through the parser their source has in FILE now and stores what parses in that source's sinks
/// (<see cref="QuarantineReparser"/>). Prints one summary line. Exit codes: 0 every entry read is resolved, 1 an error
/// (configuration, a quarantine or sink that cannot be read or written), 3 some entries remain (rejected again, or
/// not reparsable: raw bytes cut, rejected by the framing, source gone).
/// </summary>
public static class ReparseCommand
{
    public const int AllResolved = 0;
    public const int Failed = 1;
    public const int SomeRemain = 3;

    public static Command Create()
    {
        var quarantine = new Option<string>("--quarantine")
        {
            Description = "Name of the quarantine sink (under actornet.sinks; jsonl or sqlite) whose entries to parse again",
            HelpName = "SINK",
            Required = true,
        };
        var config = new Option<FileInfo>("--config", "-c")
        {
            Description = "HOCON file with the sources (and their fixed parsers) and sinks, as given to actornet run",
            Required = true,
        };
        var since = SinceOption.Create(() => DateTime.UtcNow);
        var command = new Command("reparse",
            "Parse quarantined frames again with their source's current parser; store what parses in the source's sinks and mark it resolved. " +
            "Exit codes: 0 all resolved, 1 error, 3 some entries still failing or not reparsable");
        command.Options.Add(quarantine);
        command.Options.Add(config);
        command.Options.Add(since);
        command.SetAction(result => Run(result.GetValue(quarantine)!, result.GetValue(config)!, result.GetValue(since), Console.Out, Console.Error));
        return command;
    }

    public static int Run(string quarantineSink, FileInfo configFile, DateTime? since, TextWriter output, TextWriter errors)
    {
        try
        {
            var settings = ActorNetSettings.Create(ConfigLoader.LoadFile(configFile).Effective);
            var options = new ActorNetOptions();
            var reparser = new QuarantineReparser(settings, options.Parsers, options.SinkTypes);
            using var quarantine = reparser.OpenQuarantine(quarantineSink);
            ReparseSummary summary;
            using (var progress = TerminalProgress.OnStandardError(errors, "reparse", "entries"))
                summary = reparser.Run(quarantine, since, handled => progress.Add(handled));
            output.WriteLine(Describe(summary));
            return summary.AllResolved ? AllResolved : SomeRemain;
        }
        catch (InvalidConfigurationException e)
        {
            errors.WriteLine(e.Message);
            return Failed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DbException or InvalidOperationException)
        {
            errors.WriteLine($"reparse failed: {e.Message}");
            return Failed;
        }
    }

    /// <summary>
    /// <c>reparse: 3 reparsed, 1 still failing, 2 skipped</c>, then what the still failing and skipped entries are.
    /// </summary>
    public static string Describe(ReparseSummary summary)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"reparse: {summary.Reparsed} reparsed, {summary.StillFailing} still failing, {summary.Skipped} skipped");
        var details = new List<string>();
        if (summary.StillFailing > 0)
            details.Add("still failing: " + string.Join(", ", summary.StillFailingReasons.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Value} {r.Key}"))));
        if (summary.RawCut > 0)
            details.Add(string.Create(CultureInfo.InvariantCulture, $"{summary.RawCut} cannot be reparsed: raw bytes cut at quarantine-raw-limit"));
        if (summary.RejectedByFraming > 0)
            details.Add(string.Create(CultureInfo.InvariantCulture, $"{summary.RejectedByFraming} rejected by the framing, not a parser"));
        if (summary.UnknownSource > 0)
            details.Add(string.Create(CultureInfo.InvariantCulture, $"{summary.UnknownSource} from sources no longer configured"));
        return details.Count == 0 ? line : $"{line} ({string.Join("; ", details)})";
    }
}
