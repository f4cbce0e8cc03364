using Microsoft.AspNetCore.Http;

namespace ActorNet.Http.Admin;

/// <summary>
/// A request body read whole, whatever its content type, but never past a limit: a client cannot make the server
/// buffer more than the limit by sending a large or endless (chunked) body.
/// </summary>
internal static class RequestPayload
{
    /// <summary>The body's bytes, or null when it is longer than <paramref name="limit"/> (which is then not read further).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken token)
    {
        // A declared length over the limit is refused before a byte of it is read.
        if (request.ContentLength > limit) return null;

        var buffer = new byte[Math.Min(limit, (int?)request.ContentLength ?? 4096) + 1];
        var count = 0;
        while (true)
        {
            if (count == buffer.Length)
            {
                if (count > limit) return null;
                Array.Resize(ref buffer, (int)Math.Min((long)limit + 1, 2L * buffer.Length));
            }
            var read = await request.Body.ReadAsync(buffer.AsMemory(count), token);
            if (read == 0) break;
            count += read;
            if (count > limit) return null;
        }
        return count == buffer.Length ? buffer : buffer[..count];
    }
}
