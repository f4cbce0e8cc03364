using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorNet.Http.Admin;

namespace ActorNet.Host.Commands.Send;

/// <summary>
/// Posts payloads to <c>POST /api/connections/{id}/send</c> or <c>POST /api/sources/{name}/broadcast</c>. Every way a
/// post can fail ends in an <see cref="AdminSendException"/> whose message is the one line the command prints.
/// </summary>
public sealed class AdminSendClient : IDisposable
{
    private static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(10);
    private static readonly MediaTypeHeaderValue Bytes = new("application/octet-stream");

    private readonly HttpClient _http;
    private readonly AdminSendTarget _target;
    private readonly Uri _endpoint;

    public AdminSendClient(AdminSendTarget target)
    {
        _target = target;
        _endpoint = new Uri(target.Url, target.Path);
        _http = new HttpClient { Timeout = RequestBound };
        if (!string.IsNullOrEmpty(target.Token)) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", target.Token);
    }

    /// <summary>Posts one payload; returns how many connections it was queued for (1 for a connection, any number for a broadcast).</summary>
    public async Task<int> PostAsync(ReadOnlyMemory<byte> payload, CancellationToken token)
    {
        using var content = new ReadOnlyMemoryContent(payload);
        content.Headers.ContentType = Bytes;
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(_endpoint, content, token);
        }
        catch (HttpRequestException e)
        {
            throw new AdminSendException($"cannot connect to {_target.Url}: {e.Message}");
        }
        catch (TaskCanceledException) when (!token.IsCancellationRequested)
        {
            throw new AdminSendException($"{_endpoint} did not answer within {RequestBound.TotalSeconds:0} s");
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                throw new AdminSendException($"{_endpoint} answered 401 Unauthorized: give the admin token with --token (or ACTORNET_ADMIN_TOKEN)");
            if (!response.IsSuccessStatusCode)
                throw new AdminSendException($"{_endpoint} answered {(int)response.StatusCode} {response.ReasonPhrase}{await ReasonAsync(response, token)}");
            try
            {
                if (_target.Connection is not null)
                {
                    _ = await response.Content.ReadFromJsonAsync(WriteJsonContext.Default.SentResponse, token)
                        ?? throw new AdminSendException($"{_endpoint} answered null instead of ActorNet's admin JSON");
                    return 1;
                }
                var broadcast = await response.Content.ReadFromJsonAsync(WriteJsonContext.Default.BroadcastResponse, token)
                    ?? throw new AdminSendException($"{_endpoint} answered null instead of ActorNet's admin JSON");
                return broadcast.Connections;
            }
            catch (JsonException e)
            {
                throw new AdminSendException($"{_endpoint} did not answer with ActorNet's admin JSON: {e.Message}");
            }
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>": " and the admin API's <c>{"error": ...}</c>, or nothing when the answer holds none (a proxy's page).</summary>
    private static async Task<string> ReasonAsync(HttpResponseMessage response, CancellationToken token)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.ErrorResponse, token);
            return string.IsNullOrEmpty(error?.Error) ? "" : $": {error.Error}";
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or HttpRequestException)
        {
            return "";
        }
    }
}

/// <summary>Why <c>actornet send</c> could not write through the admin API, in one line.</summary>
public sealed class AdminSendException(string message) : Exception(message);
