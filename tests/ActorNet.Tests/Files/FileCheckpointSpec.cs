using ActorNet.IO;
using ActorNet.Files;
using Xunit;

namespace ActorNet.Tests.Files;

public sealed class FileCheckpointSpec
{
    [Fact]
    public void Survives_a_save_and_a_load_with_paths_that_hold_spaces()
    {
        var directory = Directory.CreateTempSubdirectory("actornet-checkpoint-").FullName;
        try
        {
            var file = Path.Combine(directory, "nested", "logs.checkpoint");
            var checkpoint = new FileCheckpoint();
            checkpoint.Set(new FileIdentity(2049, 77), new FilePosition("/var/log/my app/a.log", 5120, 42));
            checkpoint.Set(new FileIdentity(2049, 78), new FilePosition("/var/log/b.log", 0, 0));
            checkpoint.Save(file);

            var loaded = FileCheckpoint.Load(file);

            Assert.Equal(new FilePosition("/var/log/my app/a.log", 5120, 42), loaded.Of(new FileIdentity(2049, 77)));
            Assert.Equal(new FilePosition("/var/log/b.log", 0, 0), loaded.Of(new FileIdentity(2049, 78)));
            Assert.False(File.Exists(file + ".tmp"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_missing_checkpoint_is_empty() => Assert.Empty(FileCheckpoint.Load("/nonexistent/actornet/x.checkpoint").Files);

    [Fact]
    public void A_damaged_line_is_named_in_the_error()
    {
        var error = Assert.Throws<InvalidDataException>(() => FileCheckpoint.Parse("# header\n1 2 3 4 /a.log\n1 two 3 4 /b.log\n", "x.checkpoint"));

        Assert.Contains("x.checkpoint: line 3", error.Message);
        Assert.Contains("1 two 3 4 /b.log", error.Message);
    }
}
