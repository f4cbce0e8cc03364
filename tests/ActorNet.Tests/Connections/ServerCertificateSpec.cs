using System.Security.Cryptography.X509Certificates;
using ActorNet.Connections;
using ActorNet.IntegrationTests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ActorNet.Tests.Connections;

public sealed class ServerCertificateSpec : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actornet-cert-").FullName;
    private readonly X509Certificate2 _first = TestCertificates.CreateSelfSigned("first");
    private readonly X509Certificate2 _second = TestCertificates.CreateSelfSigned("second");

    public ServerCertificateSpec() => TestCertificates.WritePem(_first, CertificateFile, KeyFile);

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string CertificateFile => Path.Combine(_dir, "server.pem");
    private string KeyFile => Path.Combine(_dir, "server.key");

    private ServerCertificate Create() => new("sensors", CertificateFile, KeyFile, NullLogger.Instance);

    private static string Subject(ServerCertificate certificate) => certificate.Current(out _)!.TargetCertificate.Subject;

    [Fact]
    public void Unchanged_files_give_the_same_context_without_reading_them_again()
    {
        var certificate = Create();

        Assert.Same(certificate.Current(out _), certificate.Current(out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void A_rewritten_pair_is_presented_from_the_next_call()
    {
        var certificate = Create();
        Assert.Equal("CN=first", Subject(certificate));

        TestCertificates.WritePem(_second, CertificateFile, KeyFile);

        Assert.Equal("CN=second", Subject(certificate));
    }

    [Fact]
    public void A_half_written_rotation_keeps_the_previous_certificate_until_the_pair_matches()
    {
        var certificate = Create();
        var next = Path.Combine(_dir, "next");
        TestCertificates.WritePem(_second, next + ".pem", next + ".key");
        // File.Copy keeps the source's modification time, and the kernel stamps files with a coarse clock: written in
        // the same tick as the first pair, with a PEM of the same length, the copied certificate would look unchanged
        // to the stat the rotation check makes (CI saw it once). A real rotation comes seconds or months later.
        File.SetLastWriteTimeUtc(next + ".pem", File.GetLastWriteTimeUtc(CertificateFile).AddSeconds(1));

        // The key of the next certificate, beside the old certificate: does not load.
        File.Copy(next + ".key", KeyFile, overwrite: true);
        Assert.Equal("CN=first", Subject(certificate));
        certificate.Current(out var problem);
        Assert.Null(problem);

        File.Copy(next + ".pem", CertificateFile, overwrite: true);
        Assert.Equal("CN=second", Subject(certificate));
    }

    [Fact]
    public void Without_any_certificate_that_loads_the_problem_is_said()
    {
        File.WriteAllText(CertificateFile, "gone\n");

        var certificate = Create();

        Assert.Null(certificate.Current(out var problem));
        Assert.Contains($"certificate {CertificateFile} with key {KeyFile} does not load", problem);
    }
}
