using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace DriftWatch.Otlp.Http;

/// <summary>Reads request bodies, and inflates gzip, up to limits, so an oversized request is refused before it is buffered.</summary>
internal static class BoundedReader
{
    /// <summary>The body, or null when it is larger than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        try
        {
            return await CopyBoundedAsync(request.Body, request.ContentLength is { } length ? (int)length : 64 * 1024, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own limit, set to the same value, caught a chunked body first.
            return null;
        }
    }

    /// <summary>
    /// Reads and discards the rest of a refused body when it is at most <paramref name="limit"/> bytes, so the
    /// refusal reaches the sender; a larger one is left unread and Kestrel closes the connection.
    /// </summary>
    public static async Task DrainAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return;
        }

        try
        {
            var chunk = new byte[64 * 1024];
            while (await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (BadHttpRequestException)
        {
            // Past Kestrel's limit: the connection is closed after the answer.
        }
        catch (IOException)
        {
            // The sender stopped sending.
        }
    }

    /// <summary>The inflated bytes; null with no error when larger than the limit; null with an error when not gzip.</summary>
    public static async Task<(byte[]? Bytes, string? Error)> GunzipAsync(byte[] gzip, long limit, CancellationToken cancellationToken)
    {
        try
        {
            await using var inflater = new GZipStream(new MemoryStream(gzip, writable: false), CompressionMode.Decompress);
            byte[]? bytes = await CopyBoundedAsync(inflater, Math.Min(gzip.Length * 4, 1 << 20), limit, cancellationToken).ConfigureAwait(false);
            return (bytes, null);
        }
        catch (InvalidDataException ex)
        {
            return (null, $"gzip: invalid compressed body ({ex.Message.TrimEnd('.')})");
        }
    }

    private static async Task<byte[]?> CopyBoundedAsync(Stream source, int initialCapacity, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(Math.Max(initialCapacity, 4096));
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
