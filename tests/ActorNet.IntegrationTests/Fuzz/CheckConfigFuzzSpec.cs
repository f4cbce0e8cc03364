using System.Text.RegularExpressions;
using ActorNet.Host.Commands;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Fuzz;

/// <summary>
/// Seeded random mutations of the example configurations (deploy/ and the README's HOCON blocks) fed to
/// <c>check-config</c>: it never throws, never hangs, and every error it reports names a key or, for a syntax
/// error, a line. In-process for a few hundred cases; a sample through the real executable, which must agree.
/// </summary>
public sealed partial class CheckConfigFuzzSpec
{
    // A longer hunt: ACTORNET_CONFIG_FUZZ_SEED=7 ACTORNET_CONFIG_FUZZ_CASES=5000 dotnet test --filter CheckConfigFuzzSpec
    private static readonly int Seed = int.Parse(Environment.GetEnvironmentVariable("ACTORNET_CONFIG_FUZZ_SEED") ?? "1206");
    private static readonly int Cases = int.Parse(Environment.GetEnvironmentVariable("ACTORNET_CONFIG_FUZZ_CASES") ?? "400");
    private const int ExecutableCases = 6;
    private static readonly TimeSpan CaseBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Mutated_example_configurations_never_crash_or_hang_and_every_error_names_a_key_or_a_line()
    {
        using var directory = new TempDirectory();
        var examples = Examples();
        var random = new Random(Seed);
        var mutator = new ConfigMutator(random);
        var failures = new List<string>();
        int invalid = 0;
        for (int i = 0; i < Cases; i++)
        {
            var (name, text) = examples[random.Next(examples.Count)];
            var mutation = mutator.Mutate(text);
            var outcome = await CheckInProcessAsync(directory, i, mutation.Text);
            if (outcome.Problem(mutation) is { } problem)
            {
                failures.Add($"case {i} ({name}, {mutation.What}{(mutation.Key is null ? "" : " at " + mutation.Key)}): {problem}");
            }

            if (outcome.ExitCode == CheckConfigCommand.Invalid) invalid++;
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases} cases failed:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
        // The mutations must mostly break something, or the check above checks little.
        Assert.True(invalid > Cases / 2, $"only {invalid} of {Cases} mutations made the configuration invalid");
    }

    [Fact]
    public async Task The_executable_reports_a_sample_of_mutated_configurations_as_check_config_does_in_process()
    {
        using var directory = new TempDirectory();
        var examples = Examples();
        var random = new Random(Seed + 1);
        var mutator = new ConfigMutator(random);
        for (int i = 0; i < ExecutableCases; i++)
        {
            var (_, text) = examples[random.Next(examples.Count)];
            var mutation = mutator.Mutate(text);
            var inProcess = await CheckInProcessAsync(directory, i, mutation.Text);
            using var process = ActorNetProcess.Start(directory.Path, "check-config", directory.File($"case-{i}.conf"));
            int exitCode = await process.WaitForExitAsync(CaseBound);

            Assert.True(exitCode == inProcess.ExitCode, $"{mutation.What}: exit {exitCode}, in-process {inProcess.ExitCode}{Environment.NewLine}{process.Output}");
            Assert.Null(inProcess.Problem(mutation));
            Assert.Equal(Errors(inProcess.Error), Errors(process.Stderr));
        }
    }

    private static async Task<CheckOutcome> CheckInProcessAsync(TempDirectory directory, int index, string text)
    {
        string path = directory.File($"case-{index}.conf");
        await File.WriteAllTextAsync(path, text);
        var output = new StringWriter();
        var error = new StringWriter();
        var run = Task.Run(() => CheckConfigCommand.Run(new FileInfo(path), probe: false, output, error));
        try
        {
            return new CheckOutcome(await run.WaitAsync(CaseBound), error.ToString(), null);
        }
        catch (TimeoutException)
        {
            return new CheckOutcome(-1, error.ToString(), $"no answer within {CaseBound.TotalSeconds:0} s");
        }
        catch (Exception e)
        {
            return new CheckOutcome(-1, error.ToString(), $"crashed: {e}");
        }
    }

    /// <summary>deploy/examples/*.conf, deploy/release/actornet.conf and every ```hocon block of the README.</summary>
    private static List<(string Name, string Text)> Examples()
    {
        var examples = Directory.GetFiles(RepositoryRoot.File("deploy", "examples"), "*.conf")
            .Append(RepositoryRoot.File("deploy", "release", "actornet.conf"))
            .Order(StringComparer.Ordinal)
            .Select(path => (Path.GetRelativePath(RepositoryRoot.Path, path), File.ReadAllText(path)))
            .ToList();
        var readme = File.ReadAllText(RepositoryRoot.File("README.md"));
        examples.AddRange(HoconBlock().Matches(readme).Select((m, i) => ($"README.md hocon block {i + 1}", m.Groups[1].Value)));
        Assert.True(examples.Count >= 10, $"only {examples.Count} example configurations found");
        return examples;
    }

    [GeneratedRegex("```hocon\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex HoconBlock();

    /// <summary>The error sentences of check-config's error output (after "Invalid ActorNet configuration:").</summary>
    private static string[] Errors(string stderr) => stderr.Split('\n')
        .Select(line => line.TrimEnd('\r'))
        .Where(line => line.StartsWith("  - ", StringComparison.Ordinal))
        .Select(line => line[4..])
        .ToArray();

    private sealed record CheckOutcome(int ExitCode, string Error, string? Failure)
    {
        /// <summary>What is wrong with check-config's answer to <paramref name="mutation"/>, or null.</summary>
        public string? Problem(ConfigMutation mutation)
        {
            if (Failure is not null) return Failure;
            if (ExitCode == CheckConfigCommand.Valid) return null;
            if (ExitCode != CheckConfigCommand.Invalid) return $"exit code {ExitCode}";
            var errors = Errors(Error);
            if (errors.Length == 0) return $"exit 1 without an error sentence: {Error}";
            var unnamed = errors.Where(e => !NamesKeyOrLine().IsMatch(e)).ToArray();
            if (unnamed.Length > 0) return "an error names neither a key nor a line: " + string.Join(" | ", unnamed);
            // A misspelt key is named as written (an unknown key), unless the file stops before its keys are checked (a
            // syntax error, or a ${VAR} of an example that this test does not set) or the key is in a README fragment
            // outside actornet (framing { ... }), whose top-level block is refused as a whole.
            if (mutation.Renamed is { } renamed && !errors.Any(e => e.Contains(renamed, StringComparison.Ordinal)
                    || e.StartsWith("HOCON syntax error", StringComparison.Ordinal) || e.Contains("environment variable", StringComparison.Ordinal)
                    || e.Contains("unknown key at the top level", StringComparison.Ordinal)))
                return $"no error names the misspelt key {renamed}: " + string.Join(" | ", errors);
            return null;
        }
    }

    // "actornet.sources.x.port: ...", "actornet.sources.\"a b\".port: ..." (a key that is not plain is quoted), "line 3: ...",
    // or a line named inside the sentence ("HOCON syntax error: FILE, line 3: ...").
    [GeneratedRegex("""^(?:[\p{L}\p{N}_\-]+|"(?:[^"\\]|\\.)*")(?:\.(?:[\p{L}\p{N}_\-]+|"(?:[^"\\]|\\.)*"))*(?:\[\d+\])?: |\bline \d+""")]
    private static partial Regex NamesKeyOrLine();
}
