namespace ActorNet.Configuration;

/// <summary>How <c>actornet.otlp</c> sends the metrics to an OpenTelemetry collector.</summary>
public enum OtlpProtocol
{
    /// <summary><c>http/protobuf</c>: POST of protobuf bodies to <c>/v1/metrics</c> (collectors listen on 4318).</summary>
    HttpProtobuf,

    /// <summary><c>grpc</c>: the OTLP gRPC service (collectors listen on 4317).</summary>
    Grpc,
}

/// <summary>
/// <c>actornet.otlp</c>: pushes the <c>ActorNet</c> and <c>System.Runtime</c> meters to an OpenTelemetry collector
/// at a fixed interval, beside (not instead of) <c>/metrics</c>. Off while <see cref="Endpoint"/> is empty.
/// </summary>
/// <param name="Endpoint">
/// The collector's base address, such as <c>http://127.0.0.1:4318</c>; for http/protobuf <c>/v1/metrics</c> is
/// appended when the address has no path, as OTEL_EXPORTER_OTLP_ENDPOINT is read. Null when off.
/// </param>
/// <param name="Protocol">http/protobuf or grpc.</param>
/// <param name="Interval">Time between two exports.</param>
/// <param name="Headers">
/// Request headers in the form of OTEL_EXPORTER_OTLP_HEADERS, <c>name=value,name=value</c> (an API key, a tenant);
/// "" for none.
/// </param>
public sealed record OtlpSettings(Uri? Endpoint, OtlpProtocol Protocol, TimeSpan Interval, string Headers)
{
    private static readonly Dictionary<string, OtlpProtocol> Protocols = new(StringComparer.Ordinal)
    {
        ["http/protobuf"] = OtlpProtocol.HttpProtobuf,
        ["grpc"] = OtlpProtocol.Grpc,
    };

    /// <summary>No export: for settings built in code rather than read (reference.conf holds the defaults).</summary>
    public static OtlpSettings Off { get; } = new(null, OtlpProtocol.HttpProtobuf, Timeout.InfiniteTimeSpan, "");

    public bool Enabled => Endpoint is not null;

    /// <summary>
    /// The address the exporter sends to: for http/protobuf an endpoint without a path gets <c>/v1/metrics</c>
    /// (OpenTelemetry's .NET exporter uses an address set in code as it is); null when off.
    /// </summary>
    public Uri? ExportAddress =>
        Endpoint is null ? null
        : Protocol == OtlpProtocol.HttpProtobuf && Endpoint.AbsolutePath == "/" ? new Uri(Endpoint, "/v1/metrics")
        : Endpoint;

    internal static OtlpSettings Read(ConfigSection o)
    {
        var endpointText = o.Text("endpoint", "the collector's address, such as \"http://127.0.0.1:4318\", or \"\" for off") ?? "";
        Uri? endpoint = null;
        if (endpointText.Length > 0)
        {
            if (Uri.TryCreate(endpointText, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.UserInfo.Length == 0
                && uri.Query.Length == 0 && uri.Fragment.Length == 0)
                endpoint = uri;
            else
                o.Error("endpoint", endpointText, "an http or https address such as \"http://127.0.0.1:4318\" (no user info, query or fragment; quote it), or \"\" for off");
        }

        var protocol = o.Choice("protocol", Protocols);
        var interval = o.RequiredDuration("interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        var headers = o.Text("headers", "\"name=value,name=value\", or \"\" for none") ?? "";
        foreach (var header in headers.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = header.IndexOf('=');
            if (equals <= 0 || header[..equals].Trim().Length == 0 || !header[..equals].Trim().All(IsTokenChar))
            {
                // The value is not echoed: headers carry API keys.
                o.Error("headers", null, "is not valid; expected \"name=value,name=value\" with header names of letters, digits and -");
                break;
            }
        }

        return new OtlpSettings(endpoint, protocol, interval, headers);
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
}
