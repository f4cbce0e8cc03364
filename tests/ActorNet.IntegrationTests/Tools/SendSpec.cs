using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Tools;

/// <summary><c>actornet send HOST:PORT</c> against an echo server, as someone trying a board's firmware runs it.</summary>
public sealed class SendSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Sends_the_lines_of_a_file_and_prints_every_echoed_line()
    {
        using var directory = new TempDirectory();
        var lines = new[] { "LOGIN board-7", "{\"temperature\":21.5}", "PING" };
        var file = directory.File("lines.txt");
        await File.WriteAllLinesAsync(file, lines);
        await using var echo = new EchoServer();

        using var send = ActorNetProcess.Start(directory.Path, "send", $"127.0.0.1:{echo.Port}", "--file", file, "--wait", "2s");

        // The echo server never closes, so the run ends after --wait; 2 s is ample for loopback replies even on a slow machine.
        Assert.True(await send.WaitForExitAsync(Bound) == 0, send.Output);
        Assert.Equal(lines, send.Stdout.Split(Environment.NewLine));
        Assert.Equal("LOGIN board-7\n{\"temperature\":21.5}\nPING\n", Encoding.UTF8.GetString(echo.Received));
        Assert.Contains("sent 3 frame(s), received 3 frame(s)", send.Stderr);
    }

    [Fact]
    public async Task Sends_generated_readings_with_a_length_prefix_and_prints_every_echoed_frame()
    {
        using var directory = new TempDirectory();
        await using var echo = new EchoServer();

        using var send = ActorNetProcess.Start(directory.Path, "send", $"localhost:{echo.Port}", "--framing", "length-field",
            "--count", "5", "--rate", "1000", "--wait", "2s");

        Assert.True(await send.WaitForExitAsync(Bound) == 0, send.Output);
        var printed = send.Stdout.Split(Environment.NewLine);
        Assert.Equal([1, 2, 3, 4, 5], printed.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("seq").GetInt32()));
        Assert.All(printed, line => JsonDocument.Parse(line).RootElement.GetProperty("value").GetDouble());
        Assert.Contains("sent 5 frame(s), received 5 frame(s)", send.Stderr);

        // On the wire: a 4-byte big-endian length before each payload, and nothing else.
        var wire = echo.Received;
        var position = 0;
        foreach (var line in printed)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(wire.AsSpan(position, 4));
            Assert.Equal(line, Encoding.UTF8.GetString(wire, position + 4, length));
            position += 4 + length;
        }
        Assert.Equal(wire.Length, position);
    }

    [Fact]
    public async Task A_refused_connection_exits_1_naming_the_address()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();

        using var send = ActorNetProcess.Start(directory.Path, "send", $"127.0.0.1:{port}", "--count", "1");

        Assert.True(await send.WaitForExitAsync(Bound) == 1, send.Output);
        Assert.Contains($"cannot connect to 127.0.0.1:{port}", send.Stderr);
        Assert.Equal("", send.Stdout);
    }

    [Fact]
    public async Task An_address_without_a_port_exits_1_naming_it()
    {
        using var directory = new TempDirectory();

        using var send = ActorNetProcess.Start(directory.Path, "send", "127.0.0.1", "--count", "1");

        Assert.True(await send.WaitForExitAsync(Bound) == 1, send.Output);
        Assert.Contains("\"127.0.0.1\" has no port", send.Stderr);
    }
}
