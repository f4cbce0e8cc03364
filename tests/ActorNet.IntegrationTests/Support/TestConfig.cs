namespace ActorNet.IntegrationTests.Support;

/// <summary>Configuration text for one test: a single source into jsonl files in the test's own directory.</summary>
public static class TestConfig
{
    /// <summary>
    /// A source name no other test uses. ActorNet's meter is process-wide and tests run in parallel, so metrics
    /// are told apart by their <c>source</c> tag.
    /// </summary>
    public static string UniqueSourceName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// One tcp-listen source on 127.0.0.1:<paramref name="port"/> whose good frames go to <c>frames.jsonl</c> and
    /// bad ones to <c>quarantine.jsonl</c> in <paramref name="directory"/>.
    /// </summary>
    /// <param name="sourceSettings">Source keys (framing, parser, limits), one per line or comma-separated.</param>
    /// <param name="sinkSettings">Keys added to both jsonl sinks; by default they flush every 50 ms so a test can watch the files.</param>
    public static string OneSource(string source, int port, TempDirectory directory, string sourceSettings,
        string sinkSettings = "flush-interval = 50ms", string actornetSettings = "") => $$"""
        actornet {
          {{actornetSettings}}
          sources.{{source}} {
            port = {{port}}
            {{sourceSettings}}
            sinks = [ file ]
            quarantine = rejects
          }
          sinks {
            file { type = jsonl, path = "{{directory.File("frames.jsonl")}}", {{sinkSettings}} }
            rejects { type = jsonl, path = "{{directory.File("quarantine.jsonl")}}", {{sinkSettings}} }
          }
        }
        """;
}
