using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DriftWatch.Otlp.Decoding;
using DriftWatch.Otlp.Ingest;
using DriftWatch.Otlp.Proto.Collector;
using DriftWatch.Otlp.Proto.Trace;
using Google.Protobuf;
using static DriftWatch.Otlp.Tests.Spans;

namespace DriftWatch.Otlp.Tests;

public sealed class OtlpHttpReceiverTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task Post_ProtobufWithDecisionAndToolSpan_PublishesJoinedEventAndAnswersEmptyResponse()
    {
        await using var host = await ReceiverHost.StartAsync();
        var request = Request(Tool("00000000000000e1", "00000000000000a1", "lookup_order"), Decision("00000000000000a1", "billing"));

        using var response = await Http.SendAsync(Protobuf(host, request.ToByteArray()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType!.MediaType);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(answer.PartialSuccess);
        var e = Assert.Single(host.Sink.Events);
        Assert.Equal("billing", e.Outcome);
        Assert.Equal("lookup_order", Assert.Single(e.ToolCalls).Name);
    }

    [Fact]
    public async Task Post_GzipJson_PublishesAndAnswersJson()
    {
        await using var host = await ReceiverHost.StartAsync();
        byte[] json = Encoding.UTF8.GetBytes(OtlpJson.Format(Request(Decision("00000000000000a1", "billing"))));
        using var gz = new MemoryStream();
        await using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            await zip.WriteAsync(json);
        }

        var message = Authorized(host, gz.ToArray(), "application/json");
        message.Content!.Headers.ContentEncoding.Add("gzip");
        using var response = await Http.SendAsync(message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Empty(answer.RootElement.EnumerateObject());
        Assert.Single(host.Sink.Events);
    }

    [Fact]
    public async Task Post_SpansWithoutAgentAttributes_AnswersPartialSuccessAndKeepsTheOthers()
    {
        await using var host = await ReceiverHost.StartAsync();
        var anonymous = Request([new("service.name", "unknown_service:node")], Decision("00000000000000a1", "billing"), Decision("00000000000000a2", "billing"));
        anonymous.ResourceSpans.AddRange(Request(Decision("00000000000000a3", "refund")).ResourceSpans);

        using var response = await Http.SendAsync(Protobuf(host, anonymous.ToByteArray()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, answer.PartialSuccess.RejectedSpans);
        Assert.Contains("no agent", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("refund", Assert.Single(host.Sink.Events).Outcome);
    }

    [Fact]
    public async Task Post_TruncatedProtobuf_Answers400WithStatusAndServiceKeepsRunning()
    {
        await using var host = await ReceiverHost.StartAsync();
        byte[] bytes = Request(Decision("00000000000000a1", "billing")).ToByteArray();

        using var bad = await Http.SendAsync(Protobuf(host, bytes[..^5]));
        using var good = await Http.SendAsync(Protobuf(host, bytes));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var status = Proto.Rpc.Status.Parser.ParseFrom(await bad.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("protobuf: not a valid ExportTraceServiceRequest", status.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Single(host.Sink.Events);
    }

    [Fact]
    public async Task Post_WrongContentType_Answers415()
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await Http.SendAsync(Authorized(host, "hello"u8.ToArray(), "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(1, host.Receiver.BadRequests);
    }

    [Fact]
    public async Task Post_TenMegabyteBody_Answers413()
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await Http.SendAsync(Protobuf(host, new byte[10 * 1000 * 1000]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Post_TenMegabyteChunkedBody_Answers413()
    {
        await using var host = await ReceiverHost.StartAsync();
        var message = new HttpRequestMessage(HttpMethod.Post, host.TracesUri) { Content = new StreamContent(new MemoryStream(new byte[10 * 1000 * 1000])) };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ReceiverHost.Token);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        message.Headers.TransferEncodingChunked = true;

        using var response = await Http.SendAsync(message);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Post_GzipBombBeyondDecompressedLimit_Answers413()
    {
        await using var host = await ReceiverHost.StartAsync(new OtlpIngestOptions { ToolSpanWait = TimeSpan.Zero, MaxDecompressedBytes = 16L << 20 });
        using var gz = new MemoryStream();
        await using (var zip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            await zip.WriteAsync(new byte[32 << 20]);
        }

        var message = Authorized(host, gz.ToArray(), "application/x-protobuf");
        message.Content!.Headers.ContentEncoding.Add("gzip");
        using var response = await Http.SendAsync(message);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("Basic b3RscC10ZXN0LXRva2Vu")]
    public async Task Post_WithoutValidBearerToken_Answers401AndPublishesNothing(string? authorization)
    {
        await using var host = await ReceiverHost.StartAsync();
        var message = new HttpRequestMessage(HttpMethod.Post, host.TracesUri) { Content = new ByteArrayContent(Request(Decision("00000000000000a1", "billing")).ToByteArray()) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        if (authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await Http.SendAsync(message);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(host.Sink.Events);
    }

    [Fact]
    public async Task Post_SinkDown_Answers503WithRetryAfter()
    {
        await using var host = await ReceiverHost.StartAsync(sink: new RecordingSink { Fail = true });

        using var response = await Http.SendAsync(Protobuf(host, Request(Decision("00000000000000a1", "billing")).ToByteArray()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Post_HundredThousandSpansInOneRequest_MapsEveryDecisionAndIgnoresTheRest()
    {
        await using var host = await ReceiverHost.StartAsync();
        var spans = new Span[100_000];
        for (int i = 0; i < spans.Length; i++)
        {
            string id = (i + 1).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
            spans[i] = i % 10 == 0 ? Decision(id, i % 20 == 0 ? "billing" : "refund") : Span(id, "GET /orders", 0, 1);
        }

        byte[] body = Request(spans).ToByteArray();
        using var response = await Http.SendAsync(Protobuf(host, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(10_000, host.Sink.Events.Count);
        Assert.Equal("00000000000186a1".Length, host.Sink.Events[^1].EventId.Length);
    }

    [Fact]
    public async Task Post_ToolSpanInLaterRequest_JoinedWithinWait()
    {
        await using var host = await ReceiverHost.StartAsync(new OtlpIngestOptions { ToolSpanWait = TimeSpan.FromMilliseconds(500) });

        var decision = Http.SendAsync(Protobuf(host, Request(Decision("00000000000000a1", "billing")).ToByteArray()));
        using var tool = await Http.SendAsync(Protobuf(host, Request(Tool("00000000000000e1", "00000000000000a1", "lookup_order")).ToByteArray()));
        using var answer = await decision;

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tool.StatusCode);
        Assert.Equal("lookup_order", Assert.Single(Assert.Single(host.Sink.Events).ToolCalls).Name);
    }

    private static HttpRequestMessage Protobuf(ReceiverHost host, byte[] body) => Authorized(host, body, "application/x-protobuf");

    private static HttpRequestMessage Authorized(ReceiverHost host, byte[] body, string contentType)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, host.TracesUri) { Content = new ByteArrayContent(body) };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ReceiverHost.Token);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return message;
    }
}
