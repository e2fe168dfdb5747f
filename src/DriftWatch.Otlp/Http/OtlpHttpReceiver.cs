using System.Security.Cryptography;
using System.Text;
using DriftWatch.Otlp.Decoding;
using DriftWatch.Otlp.Ingest;
using DriftWatch.Otlp.Mapping;
using DriftWatch.Otlp.Proto.Collector;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Net.Http.Headers;

namespace DriftWatch.Otlp.Http;

/// <summary>
/// OTLP/HTTP trace receiver (<c>POST /v1/traces</c>): protobuf or JSON, optionally gzip, bearer-token
/// authenticated. Decision spans become <c>driftwatch.decision/v1</c> events published to an
/// <see cref="IDecisionEventSink"/>; the answer is OTLP's <c>ExportTraceServiceResponse</c>, with
/// <c>partial_success</c> naming how many decision spans were rejected and why the first one was.
/// </summary>
public sealed partial class OtlpHttpReceiver
{
    /// <summary>The OTLP/HTTP path for traces.</summary>
    public const string Path = "/v1/traces";

    private const int DrainFactor = 4;

    private static readonly JsonFormatter ResponseJson = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));

    private readonly OtlpIngestOptions _options;
    private readonly byte[] _tokenHash;
    private readonly JoinedDecisionPublisher _publisher;
    private readonly ILogger _logger;
    private long _acceptedSpans;
    private long _rejectedSpans;
    private long _badRequests;

    /// <summary>A receiver publishing to <paramref name="sink"/>; options are validated here.</summary>
    /// <exception cref="InvalidOperationException">A setting is invalid; the message names it.</exception>
    public OtlpHttpReceiver(OtlpIngestOptions options, IDecisionEventSink sink, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid OTLP ingest settings: " + string.Join(" ", errors));
        }

        _options = options;
        _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.BearerToken!));
        _publisher = new JoinedDecisionPublisher(new ToolCallJoiner(options.ToolSpanWait, options.OrphanToolSpanWait, options.JoinCapacity), sink, time ?? TimeProvider.System);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Decision events published so far.</summary>
    public long PublishedDecisions => _publisher.Published;

    /// <summary>Decision spans accepted so far.</summary>
    public long AcceptedSpans => Interlocked.Read(ref _acceptedSpans);

    /// <summary>Decision spans rejected (reported through partial success) so far.</summary>
    public long RejectedSpans => Interlocked.Read(ref _rejectedSpans);

    /// <summary>Requests answered 4xx so far.</summary>
    public long BadRequests => Interlocked.Read(ref _badRequests);

    /// <summary>Handles one <c>POST /v1/traces</c>.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        HttpRequest request = context.Request;
        CancellationToken cancellationToken = context.RequestAborted;
        OtlpEncoding? encoding = EncodingOf(request.ContentType);

        if (!IsAuthorized(request.Headers.Authorization.ToString()))
        {
            await FailAsync(context, encoding ?? OtlpEncoding.Protobuf, StatusCodes.Status401Unauthorized, "missing or invalid bearer token").ConfigureAwait(false);
            return;
        }

        if (encoding is null)
        {
            await FailAsync(context, OtlpEncoding.Protobuf, StatusCodes.Status415UnsupportedMediaType,
                $"content type '{request.ContentType}' is not supported; use application/x-protobuf or application/json").ConfigureAwait(false);
            return;
        }

        string contentEncoding = request.Headers.ContentEncoding.ToString();
        bool gzip = contentEncoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && contentEncoding.Length > 0 && !contentEncoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await FailAsync(context, encoding.Value, StatusCodes.Status415UnsupportedMediaType,
                $"content encoding '{contentEncoding}' is not supported; use gzip or none").ConfigureAwait(false);
            return;
        }

        // Kestrel's server-wide limit is sized for webhooks; OTLP batches are larger and have their own. Kestrel
        // may read up to DrainFactor times the limit, so that a body somewhat over it is read to its end and the
        // sender gets a clean 413 (which OTLP exporters do not retry) rather than a reset connection (which they do).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = _options.MaxBodyBytes * DrainFactor;
        }

        var body = await BoundedReader.ReadAsync(request, _options.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            await BoundedReader.DrainAsync(request, _options.MaxBodyBytes * DrainFactor, cancellationToken).ConfigureAwait(false);
            await FailAsync(context, encoding.Value, StatusCodes.Status413PayloadTooLarge,
                $"body exceeds {_options.MaxBodyBytes} bytes; send smaller batches").ConfigureAwait(false);
            return;
        }

        if (gzip)
        {
            var (inflated, gzipError) = await BoundedReader.GunzipAsync(body, _options.MaxDecompressedBytes, cancellationToken).ConfigureAwait(false);
            if (inflated is null)
            {
                int status = gzipError is null ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
                await FailAsync(context, encoding.Value, status,
                    gzipError ?? $"decompressed body exceeds {_options.MaxDecompressedBytes} bytes; send smaller batches").ConfigureAwait(false);
                return;
            }

            body = inflated;
        }

        string? error = OtlpTraceDecoder.TryDecode(body, encoding.Value, out ExportTraceServiceRequest? export);
        if (error is not null)
        {
            await FailAsync(context, encoding.Value, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        MappedSpans mapped = SpanDecisionMapper.Map(export!);
        try
        {
            await _publisher.IngestAsync(mapped, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // Any sink failure is answered as retryable; the sender keeps the batch.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogPublishFailed(ex, mapped.Decisions.Count);
            context.Response.Headers.RetryAfter = "5";
            await FailAsync(context, encoding.Value, StatusCodes.Status503ServiceUnavailable, "decision events could not be published; retry later").ConfigureAwait(false);
            return;
        }

        Interlocked.Add(ref _acceptedSpans, mapped.Decisions.Count);
        var response = new ExportTraceServiceResponse();
        if (mapped.Rejected > 0)
        {
            Interlocked.Add(ref _rejectedSpans, mapped.Rejected);
            LogRejected(mapped.Rejected, mapped.FirstError!);
            response.PartialSuccess = new ExportTracePartialSuccess
            {
                RejectedSpans = mapped.Rejected,
                ErrorMessage = $"{mapped.Rejected} decision span(s) rejected; first: {mapped.FirstError}",
            };
        }

        await WriteAsync(context, encoding.Value, StatusCodes.Status200OK, response).ConfigureAwait(false);
    }

    private bool IsAuthorized(string authorization)
    {
        const string Scheme = "Bearer ";
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashing first makes the comparison independent of the presented token's length.
        byte[] presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization.AsSpan(Scheme.Length).Trim().ToString()));
        return CryptographicOperations.FixedTimeEquals(presented, _tokenHash);
    }

    private static OtlpEncoding? EncodingOf(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? media))
        {
            return null;
        }

        return media.MediaType.Equals("application/x-protobuf", StringComparison.OrdinalIgnoreCase) ? OtlpEncoding.Protobuf
            : media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ? OtlpEncoding.Json
            : null;
    }

    private async Task FailAsync(HttpContext context, OtlpEncoding encoding, int status, string message)
    {
        if (status < 500)
        {
            Interlocked.Increment(ref _badRequests);
            LogBadRequest(status, message);
        }

        // OTLP/HTTP: 4xx and 5xx bodies are a google.rpc.Status in the request's encoding.
        var body = new Proto.Rpc.Status { Code = RpcCode(status), Message = message };
        await WriteAsync(context, encoding, status, body).ConfigureAwait(false);
    }

    private static int RpcCode(int httpStatus) => httpStatus switch
    {
        StatusCodes.Status401Unauthorized => 16, // UNAUTHENTICATED
        StatusCodes.Status413PayloadTooLarge => 8, // RESOURCE_EXHAUSTED
        StatusCodes.Status503ServiceUnavailable => 14, // UNAVAILABLE
        _ => 3, // INVALID_ARGUMENT
    };

    private static async Task WriteAsync(HttpContext context, OtlpEncoding encoding, int status, IMessage message)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        if (encoding == OtlpEncoding.Json)
        {
            response.ContentType = "application/json";
            await response.WriteAsync(ResponseJson.Format(message), context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            response.ContentType = "application/x-protobuf";
            await response.Body.WriteAsync(message.ToByteArray(), context.RequestAborted).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "OTLP request refused with {Status}: {Reason}")]
    private partial void LogBadRequest(int status, string reason);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "OTLP request: {Rejected} decision span(s) rejected; first: {Reason}")]
    private partial void LogRejected(long rejected, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "OTLP request: {Count} decision event(s) could not be published")]
    private partial void LogPublishFailed(Exception exception, int count);
}
