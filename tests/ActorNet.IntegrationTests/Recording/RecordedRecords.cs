using System.Text.Json;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Recording;

/// <summary>What a run stored in its jsonl sinks, each record as one comparable line (all of its fields).</summary>
public static class RecordedRecords
{
    /// <summary>The records of <c>frames.jsonl</c> and <c>quarantine.jsonl</c> in <paramref name="directory"/>, sorted.</summary>
    public static IReadOnlyList<string> Read(TempDirectory directory) =>
        JsonlRecords.Read(directory.File("frames.jsonl")).Select(Describe)
            .Concat(JsonlRecords.Read(directory.File("quarantine.jsonl")).Select(r => "quarantine " + Describe(r)))
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static string Describe(JsonElement record) =>
        string.Join(" ", record.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value.GetRawText()}"));
}
