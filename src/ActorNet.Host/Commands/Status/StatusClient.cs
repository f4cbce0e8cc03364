using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ActorNet.Http.Admin;

namespace ActorNet.Host.Commands.Status;

/// <summary>
/// Reads ActorNet's admin API. Every way it can fail ends in a <see cref="StatusException"/> whose message is the
/// one line the command prints.
/// </summary>
public sealed class StatusClient : IDisposable
{
    private static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly Uri _baseAddress;

    public StatusClient(Uri baseAddress, string? token)
    {
        _baseAddress = baseAddress;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = RequestBound };
        if (!string.IsNullOrEmpty(token)) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Task<SourcesResponse> SourcesAsync(CancellationToken token) =>
        GetAsync("api/sources", AdminJsonContext.Default.SourcesResponse, token);

    public Task<SinksResponse> SinksAsync(CancellationToken token) =>
        GetAsync("api/sinks", AdminJsonContext.Default.SinksResponse, token);

    public Task<ConnectionsResponse> ConnectionsAsync(CancellationToken token) =>
        GetAsync("api/connections", AdminJsonContext.Default.ConnectionsResponse, token);

    public void Dispose() => _http.Dispose();

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken token)
    {
        var url = new Uri(_baseAddress, path);
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(path, token);
        }
        catch (HttpRequestException e)
        {
            throw new StatusException($"cannot connect to {_baseAddress}: {e.Message}");
        }
        catch (TaskCanceledException) when (!token.IsCancellationRequested)
        {
            throw new StatusException($"{url} did not answer within {RequestBound.TotalSeconds:0} s");
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                throw new StatusException($"{url} answered 401 Unauthorized: give the admin token with --token (or ACTORNET_ADMIN_TOKEN)");
            if (!response.IsSuccessStatusCode)
                throw new StatusException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            try
            {
                return await response.Content.ReadFromJsonAsync(type, token)
                    ?? throw new StatusException($"{url} answered null instead of ActorNet's admin JSON");
            }
            catch (JsonException e)
            {
                throw new StatusException($"{url} did not answer with ActorNet's admin JSON: {e.Message}");
            }
        }
    }
}

/// <summary>Why <c>actornet status</c> could not show the status, in one line.</summary>
public sealed class StatusException(string message) : Exception(message);
