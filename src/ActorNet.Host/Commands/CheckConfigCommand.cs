using System.CommandLine;
using ActorNet.Configuration;
using ActorNet.Hosting;
using Akka.Configuration;

namespace ActorNet.Host.Commands;

/// <summary>
/// <c>actornet check-config [--probe] FILE</c>: prints what the file configures, defaults marked, or every error.
/// Exit codes: 0 valid (and, with --probe, every probe passed), 1 invalid configuration, 2 valid but a probe failed.
/// </summary>
public static class CheckConfigCommand
{
    public const int Valid = 0;
    public const int Invalid = 1;
    public const int ProbeFailed = 2;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "HOCON file overlaid on the embedded reference configuration" };
        var probe = new Option<bool>("--probe")
        {
            Description = "Also bind every tcp-listen and udp address and the HTTP endpoint's (released at once) and open every sink in use, as a start would",
        };
        var command = new Command("check-config",
            "Validate a configuration file and print what it configures (values it does not set are marked # default). " +
            "Exit codes: 0 valid (and with --probe every probe passed), 1 invalid configuration, 2 valid but a probe failed");
        command.Arguments.Add(file);
        command.Options.Add(probe);
        command.SetAction(result => Run(result.GetValue(file)!, result.GetValue(probe), Console.Out, Console.Error));
        return command;
    }

    /// <summary>What <c>check-config</c> does, writing to the given writers: callable in-process (the configuration fuzz).</summary>
    /// <returns>The exit code.</returns>
    public static int Run(FileInfo file, bool probe, TextWriter output, TextWriter error)
    {
        ActorNetSettings settings;
        try
        {
            var (effective, own) = ConfigLoader.LoadFile(file);
            settings = ActorNetSettings.Create(effective);
            output.Write(Describe(effective, own, settings));
        }
        catch (InvalidConfigurationException e)
        {
            error.WriteLine(e.Message);
            return Invalid;
        }
        if (!probe) return Valid;

        var results = ConfigurationProbe.Run(settings, new ActorNetOptions());
        foreach (var result in results.Where(r => r.Passed)) output.WriteLine($"# probe passed: {result}");
        var failed = results.Where(r => !r.Passed).ToArray();
        foreach (var result in failed) error.WriteLine($"probe failed: {result}");
        return failed.Length == 0 ? Valid : ProbeFailed;
    }

    /// <summary>
    /// The <c>actornet</c> block as the file and its defaults make it up: a value the file does not set is marked
    /// <c># default</c>, and a sink the file does not define (reference.conf's file, rejects, store) is shown only when
    /// a source uses it, since only sinks in use are started.
    /// </summary>
    private static string Describe(Config effective, Config own, ActorNetSettings settings)
    {
        var used = settings.Sources.SelectMany(s => s.AllSinks).ToHashSet(StringComparer.Ordinal);
        var unusedDefaults = settings.Sinks.Keys
            .Where(name => !used.Contains(name) && !own.HasPath($"actornet.sinks.{HoconPrinter.Key(name)}"))
            .Select(name => $"actornet.sinks.{HoconPrinter.Key(name)}")
            .ToHashSet(StringComparer.Ordinal);
        var printed = HoconPrinter.Print(effective, "actornet", isDefault: path => !own.HasPath(path), omit: unusedDefaults.Contains);
        return printed + $"# valid: {settings.Sources.Count} source(s), {settings.Sinks.Count - unusedDefaults.Count} sink(s); " +
               $"values marked \"{HoconPrinter.DefaultMark}\" are not set by the file{Environment.NewLine}";
    }
}
