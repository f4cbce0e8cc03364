using Xunit;
using System.Text.RegularExpressions;

namespace ActorNet.Tests;

/// <summary>
/// The folders of src/ActorNet are layers: their <c>using ActorNet.X</c> lines must point one way. A cycle between two
/// folders (Sinks using Files using Connections using Recording using Sinks, as a merge once made) fails here,
/// naming it, rather than going unnoticed until someone cannot move one of them.
/// </summary>
public sealed partial class LayeringSpec
{
    [Fact]
    public void Folders_of_the_library_import_each_other_one_way()
    {
        var library = Path.Combine(RepositoryRoot(), "src", "ActorNet");
        var folders = Directory.GetDirectories(library).Select(Path.GetFileName).OfType<string>()
            .Where(f => f is not ("bin" or "obj")).ToHashSet(StringComparer.Ordinal);
        var imports = folders.ToDictionary(f => f, f => Directory
            .EnumerateFiles(Path.Combine(library, f), "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => UsingLine().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .Where(imported => imported != f && folders.Contains(imported))
            .ToHashSet(StringComparer.Ordinal));

        var cycles = new List<string>();
        foreach (var from in folders.Order(StringComparer.Ordinal))
        foreach (var to in imports[from].Order(StringComparer.Ordinal))
            if (string.CompareOrdinal(from, to) < 0 && Reaches(imports, to, from))
                cycles.Add($"{from} <-> {to}");
        Assert.True(cycles.Count == 0, "folders that reach each other through their imports: " + string.Join(", ", cycles));
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> imports, string from, string target)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var todo = new Stack<string>([from]);
        while (todo.TryPop(out var folder))
        {
            if (folder == target) return true;
            foreach (var next in imports[folder])
                if (seen.Add(next)) todo.Push(next);
        }
        return false;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorNet.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no ActorNet.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^using ActorNet\.([A-Za-z]+)", RegexOptions.Multiline)]
    private static partial Regex UsingLine();
}
