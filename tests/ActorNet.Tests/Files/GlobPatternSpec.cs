using ActorNet.Files;
using Xunit;

namespace ActorNet.Tests.Files;

public sealed class GlobPatternSpec
{
    [Theory]
    [InlineData("*.log", "app.log", true)]
    [InlineData("*.log", "app.log.1", false)]
    [InlineData("app.log*", "app.log.1", true)]
    [InlineData("app.log*", "app.log", true)]
    [InlineData("a?c.log", "abc.log", true)]
    [InlineData("a?c.log", "ac.log", false)]
    [InlineData("*", "anything", true)]
    [InlineData("*a*b*", "xxaxxbxx", true)]
    [InlineData("*a*b", "xxaxxbxxc", false)]
    [InlineData("app.log", "App.log", false)]
    [InlineData("app.log", "app.log", true)]
    public void Matches_file_names_with_star_and_question_mark(string pattern, string name, bool matches) =>
        Assert.Equal(matches, GlobPattern.Match(pattern, name));

    [Fact]
    public void Splits_the_directory_from_the_name_pattern()
    {
        var glob = GlobPattern.Parse("/var/log/vendor/*.log");

        Assert.Equal("/var/log/vendor", glob.Directory);
        Assert.Equal("*.log", glob.Name);
        Assert.True(glob.HasWildcards);
    }

    [Fact]
    public void A_bare_name_is_looked_for_in_the_working_directory() => Assert.Equal(".", GlobPattern.Parse("app.log").Directory);

    [Theory]
    [InlineData("", "a file or a glob")]
    [InlineData("/var/log/", "not a directory")]
    [InlineData("/var/*/app.log", "file name only")]
    public void Refuses_paths_it_cannot_follow(string path, string expected) => Assert.Contains(expected, GlobPattern.Problem(path));

    [Fact]
    public void Finds_the_matching_files_of_a_directory_sorted_and_none_of_a_missing_one()
    {
        var directory = Directory.CreateTempSubdirectory("actornet-glob-").FullName;
        try
        {
            foreach (var name in new[] { "b.log", "a.log", "a.log.1", "c.txt" }) File.WriteAllText(Path.Combine(directory, name), "");

            Assert.Equal([Path.Combine(directory, "a.log"), Path.Combine(directory, "b.log")], GlobPattern.Parse(Path.Combine(directory, "*.log")).Find());
            Assert.Equal([Path.Combine(directory, "c.txt")], GlobPattern.Parse(Path.Combine(directory, "c.txt")).Find());
            Assert.Empty(GlobPattern.Parse(Path.Combine(directory, "missing", "*.log")).Find());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
