using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ActorNet.IntegrationTests.Support;

/// <summary>
/// The receiving end of OTLP/gRPC on 127.0.0.1: Kestrel speaking HTTP/2 without TLS (as a collector's 4317 port
/// does), taking the unary call MetricsService/Export, keeping each request, and answering an empty
/// ExportMetricsServiceResponse with grpc-status 0.
/// </summary>
public sealed class OtlpGrpcReceiver : IAsyncDisposable
{
    public const string ExportPath = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    private readonly WebApplication _app;

    private OtlpGrpcReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<ReceivedExport> Requests { get; } = new();

    public static async Task<OtlpGrpcReceiver> StartAsync()
    {
        var port = Loopback.FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(System.Net.IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var receiver = new OtlpGrpcReceiver(app, port);
        app.MapPost(ExportPath, async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver.Requests.Enqueue(new ReceivedExport(context.Request.Method, context.Request.Path, context.Request.ContentType, body.ToArray(),
                context.Request.Headers.ToDictionary(header => header.Key.ToLowerInvariant(), header => header.Value.ToString())));
            context.Response.ContentType = "application/grpc";
            // One length-prefixed message: not compressed, zero bytes long (an empty response message).
            await context.Response.Body.WriteAsync(new byte[5]);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
