using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace ActorNet.Benchmarks.EndToEnd;

/// <summary>
/// What TLS costs at the least on this machine: AES-256-GCM (TLS 1.3's first cipher suite in OpenSSL, which SslStream
/// uses on Linux) sealing and opening 16 KiB records, timed here on one core. Added to the plaintext run's CPU (server
/// and load generator together), it bounds TLS / plaintext from above when both runs keep the same cores busy: TLS
/// adds at least one encryption (the peers) and one decryption (ActorNet) of every byte, and more for SslStream's copies
/// and record handling, which the bound leaves out.
/// </summary>
public static class CryptoFloor
{
    private const int RecordSize = 16 * 1024;

    /// <summary>CPU seconds per byte to encrypt it once and decrypt it once, the better of three passes over <paramref name="sampleBytes"/>.</summary>
    public static double SecondsPerByteSealedAndOpened(int sampleBytes = 64 * 1024 * 1024)
    {
        using var aes = new AesGcm(RandomNumberGenerator.GetBytes(32), tagSizeInBytes: 16);
        var plain = RandomNumberGenerator.GetBytes(RecordSize);
        var cipher = new byte[RecordSize];
        var opened = new byte[RecordSize];
        var tag = new byte[16];
        var nonce = new byte[12];
        var best = double.MaxValue;
        for (var pass = 0; pass < 3; pass++)
        {
            var started = Stopwatch.GetTimestamp();
            for (var done = 0; done < sampleBytes; done += RecordSize)
            {
                BitConverter.TryWriteBytes(nonce, done);
                aes.Encrypt(nonce, plain, cipher, tag);
                aes.Decrypt(nonce, cipher, tag, opened);
            }
            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalSeconds / sampleBytes);
        }
        return best;
    }

    /// <summary>
    /// The line that states the bound: <paramref name="plainCpuSeconds"/> is the plaintext run's CPU (server and
    /// generator), <paramref name="bytes"/> the workload's bytes.
    /// </summary>
    public static string Describe(double secondsPerByte, double plainCpuSeconds, long bytes)
    {
        var crypto = secondsPerByte * bytes;
        return string.Create(CultureInfo.InvariantCulture,
            $"crypto floor: AES-256-GCM seals and opens this run's {bytes / 1048576.0:N0} MiB in {crypto:0.000} CPU s on this machine " +
            $"({1 / secondsPerByte / 1e9:0.00} GB/s each way combined); with the plaintext run's {plainCpuSeconds:0.000} CPU s (server + load generator), " +
            $"TLS / plaintext cannot exceed {plainCpuSeconds / (plainCpuSeconds + crypto):P1} while both keep the same cores busy\n");
    }
}
