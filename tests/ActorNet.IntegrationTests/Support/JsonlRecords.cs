using System.Text.Json;

namespace ActorNet.IntegrationTests.Support;

/// <summary>Reads what a jsonl sink wrote: one JSON object per complete line.</summary>
public static class JsonlRecords
{
    /// <summary>
    /// The records of every complete line. A line still being written (no newline yet) is left for the next read,
    /// so this may be called while ActorNet runs. A missing file has no records.
    /// </summary>
    public static IReadOnlyList<JsonElement> Read(string path)
    {
        if (!File.Exists(path)) return [];
        byte[] bytes;
        // The sink keeps the file open for writing; share it rather than fail.
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var copy = new MemoryStream())
        {
            file.CopyTo(copy);
            bytes = copy.ToArray();
        }

        var records = new List<JsonElement>();
        var start = 0;
        var lineNumber = 0;
        for (var end = Array.IndexOf(bytes, (byte)'\n'); end >= 0; end = Array.IndexOf(bytes, (byte)'\n', start))
        {
            lineNumber++;
            try
            {
                using var document = JsonDocument.Parse(bytes.AsMemory(start, end - start));
                records.Add(document.RootElement.Clone());
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path} line {lineNumber} is not a JSON object: {e.Message}", e);
            }
            start = end + 1;
        }
        return records;
    }

    public static int Count(string path) => Read(path).Count;

    /// <summary>The text payloads written so far (text parser), in file order.</summary>
    public static IReadOnlyList<string> TextPayloads(string path) =>
        Read(path).Select(r => r.GetProperty("payload").GetString()!).ToArray();
}
