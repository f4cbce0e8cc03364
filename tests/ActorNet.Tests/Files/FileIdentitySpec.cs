using ActorNet.IO;
using ActorNet.Files;
using Xunit;

namespace ActorNet.Tests.Files;

public sealed class FileIdentitySpec
{
    [Fact]
    public void A_renamed_file_keeps_its_identity_and_a_new_file_at_its_path_has_another()
    {
        Assert.True(FileIdentity.CanCheck, "file sources need Linux on x86-64 or arm64");
        var directory = Directory.CreateTempSubdirectory("actornet-identity-").FullName;
        try
        {
            var path = Path.Combine(directory, "app.log");
            File.WriteAllText(path, "one\n");
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var before = FileIdentity.Of(path);

            File.Move(path, path + ".1");
            File.WriteAllText(path, "two\n");

            Assert.Equal(before, FileIdentity.Of(handle));
            Assert.Equal(before, FileIdentity.Of(path + ".1"));
            Assert.NotEqual(before, FileIdentity.Of(path));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
