using System.Collections.Concurrent;
using System.Net;

namespace ActorNet.IntegrationTests.Support;

/// <summary>
/// The receiving end of OTLP/HTTP, as small as an OpenTelemetry collector's <c>otlphttp</c> receiver gets: accepts
/// POST /v1/metrics on 127.0.0.1, keeps each request's path, content type and raw body, and answers 200 with an empty
/// ExportMetricsServiceResponse (an empty protobuf message is zero bytes).
/// </summary>
public sealed class OtlpHttpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public OtlpHttpReceiver()
    {
        Port = Loopback.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }

    /// <summary>The collector address to configure: <c>http://127.0.0.1:PORT</c>, without a path.</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<ReceivedExport> Requests { get; } = new();

    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // closed by Dispose
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            Requests.Enqueue(new ReceivedExport(context.Request.HttpMethod, context.Request.Url!.AbsolutePath,
                context.Request.ContentType, body.ToArray(),
                context.Request.Headers.AllKeys.ToDictionary(key => key!.ToLowerInvariant(), key => context.Request.Headers[key] ?? "")));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }
}

/// <summary>One request as the receiver got it.</summary>
public sealed record ReceivedExport(string Method, string Path, string? ContentType, byte[] Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Whether the protobuf body holds <paramref name="text"/> as UTF-8 (names and attribute values are plain strings in it).</summary>
    public bool Holds(string text) => Body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;
}
