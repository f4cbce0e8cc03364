using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ActorNet.Http.Admin;
using ActorNet.IntegrationTests.Dashboard;
using ActorNet.IntegrationTests.Support;
using Xunit;
using static ActorNet.IntegrationTests.Feeds.EchoReplySpec;

namespace ActorNet.IntegrationTests.Http;

/// <summary>
/// <c>POST /api/connections/{id}/send</c> and <c>POST /api/sources/{name}/broadcast</c> against ActorNet composed as
/// <c>actornet run</c> composes it, with real peers on loopback: a newline-delimited source (max-frame-length 32) and a
/// length-field source (4-byte big-endian length). A peer's first bytes tell whether something reached it that
/// should not have: every test ends by sending each peer a message of its own and reading it first.
/// </summary>
public sealed class WriteEndpointsSpec : IAsyncLifetime
{
    private const string Token = "write-spec-token";
    private const int MaxFrameLength = 32;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _directory = new();
    private readonly string _lines = TestConfig.UniqueSourceName("write-lines");
    private readonly string _lengths = TestConfig.UniqueSourceName("write-lengths");
    private readonly int _linesPort = Loopback.FreePort();
    private readonly int _lengthsPort = Loopback.FreePort();
    private readonly string _large = TestConfig.UniqueSourceName("write-large");
    private readonly int _largePort = Loopback.FreePort();
    private DashboardHost _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _host = await DashboardHost.StartAsync($$"""
            actornet {
              http { enabled = on, host = 127.0.0.1, port = 0, admin-token = "{{Token}}" }
              sources.{{_lines}} {
                port = {{_linesPort}}
                framing {
                  type = delimiter
                  delimiter = "\n"
                  max-frame-length = {{MaxFrameLength}}
                }
                parser = text
                sinks = [ file ]
                quarantine = rejects
              }
              sources.{{_lengths}} {
                port = {{_lengthsPort}}
                framing {
                  type = length-field
                  length-field-length = 4
                }
                parser = text
                sinks = [ file ]
                quarantine = rejects
              }
              sources.{{_large}} {
                port = {{_largePort}}
                max-inflight-bytes = 2 MiB
                framing {
                  type = length-field
                  length-field-length = 4
                  max-frame-length = 1 MiB
                }
                parser = text
                sinks = [ file ]
                quarantine = rejects
              }
              sinks {
                file { type = jsonl, path = "{{_directory.File("frames.jsonl")}}" }
                rejects { type = jsonl, path = "{{_directory.File("quarantine.jsonl")}}" }
              }
            }
            """);
        _http = new HttpClient { BaseAddress = _host.Address, Timeout = Bound };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Send_writes_the_body_to_that_peer_of_a_delimiter_source_with_the_delimiter_appended()
    {
        using var a = await Loopback.ConnectAsync(_linesPort);
        using var b = await Loopback.ConnectAsync(_linesPort);
        var idA = await ConnectionIdOf(a);
        var idB = await ConnectionIdOf(b);

        using var response = await _http.PostAsync($"/api/connections/{idA}/send", Body("payload", "text/plain"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(new SentResponse(idA, 8), await response.Content.ReadFromJsonAsync(WriteJsonContext.Default.SentResponse));
        Assert.Equal("payload\n", await ReceiveExactlyAsync(a, 8));
        await AssertNextIsOwnLineAsync(b, idB);
    }

    [Fact]
    public async Task Send_of_a_line_that_ends_with_the_delimiter_does_not_double_it_and_any_content_type_is_taken_as_bytes()
    {
        using var peer = await Loopback.ConnectAsync(_linesPort);
        var id = await ConnectionIdOf(peer);

        using (var piped = await _http.PostAsync($"/api/connections/{id}/send", Body("ping\n", "application/x-www-form-urlencoded")))
        {
            Assert.Equal(HttpStatusCode.Accepted, piped.StatusCode);
            Assert.Equal(5, (await piped.Content.ReadFromJsonAsync(WriteJsonContext.Default.SentResponse))!.Bytes);
        }
        using (var json = await _http.PostAsync($"/api/connections/{id}/send", Body("{\"led\":\"on\"}", "application/json")))
            Assert.Equal(HttpStatusCode.Accepted, json.StatusCode);

        Assert.Equal("ping\n{\"led\":\"on\"}\n", await ReceiveExactlyAsync(peer, 18));
    }

    [Fact]
    public async Task Send_to_a_length_field_source_prefixes_the_4_byte_length()
    {
        using var peer = await Loopback.ConnectAsync(_lengthsPort);
        var id = await ConnectionIdOf(peer);
        byte[] payload = [0x00, 0xFF, (byte)'\n', 0x7F, 0x80];

        using var response = await _http.PostAsync($"/api/connections/{id}/send", new ByteArrayContent(payload));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(new SentResponse(id, 9), await response.Content.ReadFromJsonAsync(WriteJsonContext.Default.SentResponse));
        var wire = await ReceiveBytesAsync(peer, 9);
        Assert.Equal(5, BinaryPrimitives.ReadInt32BigEndian(wire));
        Assert.Equal(payload, wire[4..]);
    }

    [Fact]
    public async Task Broadcast_reaches_every_peer_of_the_source_and_no_peer_of_another()
    {
        using var a = await Loopback.ConnectAsync(_linesPort);
        using var b = await Loopback.ConnectAsync(_linesPort);
        using var other = await Loopback.ConnectAsync(_lengthsPort);
        await ConnectionIdOf(a);
        await ConnectionIdOf(b);
        var otherId = await ConnectionIdOf(other);

        using var response = await _http.PostAsync($"/api/sources/{_lines}/broadcast", Body("to all", "text/plain"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(new BroadcastResponse(_lines, 2, 7), await response.Content.ReadFromJsonAsync(WriteJsonContext.Default.BroadcastResponse));
        Assert.Equal("to all\n", await ReceiveExactlyAsync(a, 7));
        Assert.Equal("to all\n", await ReceiveExactlyAsync(b, 7));
        await AssertNextIsOwnLengthFramedAsync(other, otherId);
    }

    [Fact]
    public async Task Broadcast_to_a_source_without_peers_answers_with_zero_connections()
    {
        using var response = await _http.PostAsync($"/api/sources/{_lengths}/broadcast", Body("nobody", "text/plain"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(new BroadcastResponse(_lengths, 0, 10), await response.Content.ReadFromJsonAsync(WriteJsonContext.Default.BroadcastResponse));
    }

    [Fact]
    public async Task Names_are_camelCase_in_the_json()
    {
        using var peer = await Loopback.ConnectAsync(_linesPort);
        var id = await ConnectionIdOf(peer);

        using var sent = JsonDocument.Parse(await (await _http.PostAsync($"/api/connections/{id}/send", Body("x", "text/plain"))).Content.ReadAsStringAsync());
        using var broadcast = JsonDocument.Parse(await (await _http.PostAsync($"/api/sources/{_lines}/broadcast", Body("y", "text/plain"))).Content.ReadAsStringAsync());

        Assert.Equal(["connection", "bytes"], sent.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["source", "connections", "bytes"], broadcast.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("x\ny\n", await ReceiveExactlyAsync(peer, 4));
    }

    [Fact]
    public async Task Without_the_admin_token_or_with_a_wrong_one_both_answer_401_and_write_nothing()
    {
        using var peer = await Loopback.ConnectAsync(_linesPort);
        var id = await ConnectionIdOf(peer);
        using var anonymous = new HttpClient { BaseAddress = _host.Address, Timeout = Bound };

        foreach (var authorization in new AuthenticationHeaderValue?[] { null, new("Bearer", "wrong"), new("Basic", Token) })
        {
            foreach (var path in new[] { $"/api/connections/{id}/send", $"/api/sources/{_lines}/broadcast" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Body("intruder", "text/plain") };
                request.Headers.Authorization = authorization;
                using var response = await anonymous.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
            }
        }

        await AssertNextIsOwnLineAsync(peer, id);
    }

    [Fact]
    public async Task A_post_from_a_page_of_another_origin_answers_403_and_writes_nothing_while_the_servers_own_page_may_post()
    {
        using var peer = await Loopback.ConnectAsync(_linesPort);
        var id = await ConnectionIdOf(peer);

        // What a page elsewhere sends with fetch(url, {method: "POST", mode: "no-cors", body: "..."}): no preflight, and
        // the browser adds its Origin. The admin token does not help an instance that has none.
        foreach (var origin in new[] { "http://evil.example", "null", "http://127.0.0.1:1" })
        {
            foreach (var path in new[] { $"/api/connections/{id}/send", $"/api/sources/{_lines}/broadcast" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Body("REBOOT", "text/plain") };
                request.Headers.Add("Origin", origin);
                using var response = await _http.SendAsync(request);
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Contains(origin, (await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.ErrorResponse))!.Error);
            }
        }

        using (var own = new HttpRequestMessage(HttpMethod.Post, $"/api/connections/{id}/send") { Content = Body("from the dashboard", "text/plain") })
        {
            own.Headers.Add("Origin", _host.Address.GetLeftPart(UriPartial.Authority));
            using var response = await _http.SendAsync(own);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        Assert.Equal("from the dashboard\n", await ReceiveExactlyAsync(peer, 19));
    }

    [Fact]
    public async Task An_unknown_connection_or_source_answers_404_naming_it()
    {
        using var peer = await Loopback.ConnectAsync(_linesPort);
        var id = await ConnectionIdOf(peer);

        using (var response = await _http.PostAsync("/api/connections/987654321/send", Body("lost", "text/plain")))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("987654321", (await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.ErrorResponse))!.Error);
        }
        using (var response = await _http.PostAsync("/api/sources/no-such-source/broadcast", Body("lost", "text/plain")))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("\"no-such-source\"", (await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.ErrorResponse))!.Error);
        }

        // A connection that was open and has closed is unknown too.
        peer.Shutdown(SocketShutdown.Both);
        await Eventually.TrueAsync(() => _host.Service.Status.Connection(id) is null, Bound, () => $"connection {id} left the status");
        using var late = await _http.PostAsync($"/api/connections/{id}/send", Body("late", "text/plain"));
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
    }

    [Fact]
    public async Task An_empty_body_or_a_payload_the_framing_cannot_carry_answers_400_and_writes_nothing()
    {
        using var lines = await Loopback.ConnectAsync(_linesPort);
        using var lengths = await Loopback.ConnectAsync(_lengthsPort);
        var linesId = await ConnectionIdOf(lines);
        var lengthsId = await ConnectionIdOf(lengths);

        var refused = new (string Path, HttpContent Body, string Reason)[]
        {
            ($"/api/connections/{linesId}/send", new ByteArrayContent([]), "empty"),
            ($"/api/sources/{_lines}/broadcast", new ByteArrayContent([]), "empty"),
            ($"/api/connections/{lengthsId}/send", new ByteArrayContent([]), "empty"),
            ($"/api/connections/{linesId}/send", Body(new string('x', MaxFrameLength + 1), "text/plain"), $"max-frame-length {MaxFrameLength}"),
            ($"/api/sources/{_lines}/broadcast", Body(new string('x', MaxFrameLength + 1), "text/plain"), $"max-frame-length {MaxFrameLength}"),
            ($"/api/connections/{linesId}/send", Body("one\ntwo", "text/plain"), "delimiter"),
            ($"/api/sources/{_lines}/broadcast", Body("one\ntwo\n", "text/plain"), "delimiter"),
        };
        foreach (var (path, body, reason) in refused)
        {
            using var response = await _http.PostAsync(path, body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} answered {(int)response.StatusCode} instead of 400");
            Assert.Contains(reason, (await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.ErrorResponse))!.Error);
        }

        // Exactly max-frame-length is fine.
        using (var longest = await _http.PostAsync($"/api/connections/{linesId}/send", Body(new string('y', MaxFrameLength), "text/plain")))
            Assert.Equal(HttpStatusCode.Accepted, longest.StatusCode);
        Assert.Equal(new string('y', MaxFrameLength) + "\n", await ReceiveExactlyAsync(lines, MaxFrameLength + 1));
        await AssertNextIsOwnLengthFramedAsync(lengths, lengthsId);
    }

    [Fact]
    public async Task A_body_longer_than_the_sources_max_inflight_bytes_answers_413_whether_its_length_is_declared_or_chunked()
    {
        using var peer = await Loopback.ConnectAsync(_lengthsPort);
        var id = await ConnectionIdOf(peer);
        var tooLong = new byte[_host.Service.Settings.Sources.Single(s => s.Name == _lengths).MaxInflightBytes + 1];

        using (var declared = await _http.PostAsync($"/api/connections/{id}/send", new ByteArrayContent(tooLong)))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
            Assert.Contains("max-inflight-bytes", (await declared.Content.ReadFromJsonAsync(AdminJsonContext.Default.ErrorResponse))!.Error);
        }
        // No Content-Length: the server finds out while reading, and stops there.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, $"/api/sources/{_lengths}/broadcast") { Content = new ByteArrayContent(tooLong) };
        chunked.Headers.TransferEncodingChunked = true;
        using (var response = await _http.SendAsync(chunked))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        // Exactly the limit is read whole, and then refused by the framing (max-frame-length is smaller): the limit is not off by one.
        using (var atLimit = await _http.PostAsync($"/api/connections/{id}/send", new ByteArrayContent(tooLong[1..])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, atLimit.StatusCode);
            Assert.Contains("max-frame-length", (await atLimit.Content.ReadFromJsonAsync(AdminJsonContext.Default.ErrorResponse))!.Error);
        }

        await AssertNextIsOwnLengthFramedAsync(peer, id);
    }

    [Fact]
    public async Task A_peer_that_does_not_read_gets_503_once_too_much_waits_for_it_and_then_takes_writes_again()
    {
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await peer.ConnectAsync(IPAddress.Loopback, _largePort);
        var id = await ConnectionIdOf(peer);
        // The longest payload: max-frame-length counts the 4-byte header too.
        var payload = new byte[1024 * 1024 - 4];

        // The kernel's buffers take the first megabytes; then a write stays under way and its bytes keep the queue
        // over its limit (4 x read-buffer-size), where writes are refused rather than buffered without end.
        var accepted = 0;
        HttpResponseMessage response;
        while ((response = await _http.PostAsync($"/api/connections/{id}/send", new ByteArrayContent(payload))).StatusCode == HttpStatusCode.Accepted)
        {
            response.Dispose();
            Assert.True(++accepted < 64, $"{accepted} MiB were queued for a peer that reads nothing");
        }
        using (response)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("already waiting to be sent", (await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.ErrorResponse))!.Error);
        }

        // Every accepted frame arrives whole and in order once the peer reads; then it takes writes again.
        for (var i = 0; i < accepted; i++)
        {
            var frame = await ReceiveBytesAsync(peer, payload.Length + 4);
            Assert.Equal(payload.Length, BinaryPrimitives.ReadInt32BigEndian(frame));
        }
        await AssertNextIsOwnLengthFramedAsync(peer, id);
    }

    private static StringContent Body(string text, string mediaType) => new(text, Encoding.UTF8, mediaType);

    /// <summary>The id ActorNet gave the connection of <paramref name="peer"/>, once it is open.</summary>
    private async Task<long> ConnectionIdOf(Socket peer)
    {
        var name = peer.PeerName();
        var connection = await Eventually.ValueAsync(() => _host.Service.Status.Connections.FirstOrDefault(c => c.Peer == name), c => c is not null,
            Bound, $"a connection from {name}");
        return connection!.Id;
    }

    /// <summary>Sends the peer a line naming it and asserts that it is the next thing the peer reads: nothing else came before.</summary>
    private async Task AssertNextIsOwnLineAsync(Socket peer, long id)
    {
        var own = $"own {id}";
        using (var response = await _http.PostAsync($"/api/connections/{id}/send", Body(own, "text/plain")))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(own + "\n", await ReceiveExactlyAsync(peer, own.Length + 1));
    }

    private async Task AssertNextIsOwnLengthFramedAsync(Socket peer, long id)
    {
        var own = $"own {id}";
        using (var response = await _http.PostAsync($"/api/connections/{id}/send", Body(own, "text/plain")))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(Framed(own), await ReceiveBytesAsync(peer, own.Length + 4));
    }
}
