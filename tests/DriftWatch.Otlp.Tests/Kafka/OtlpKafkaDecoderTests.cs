using System.Text;
using DriftWatch.Otlp.Decoding;
using DriftWatch.Otlp.Kafka;
using Google.Protobuf;
using static DriftWatch.Otlp.Tests.Spans;

namespace DriftWatch.Otlp.Tests.Kafka;

public sealed class OtlpKafkaDecoderTests
{
    [Theory]
    [InlineData("otlp_proto")]
    [InlineData("otlp_json")]
    public void Decode_EitherEncoding_GivesJoinedEvents(string encodingName)
    {
        var request = Request(Tool("00000000000000e1", "00000000000000a1", "lookup"), Decision("00000000000000a1", "billing"), Decision("00000000000000a2", "refund"));
        OtlpEncoding encoding = OtlpKafkaDecoder.ParseEncoding(encodingName);
        byte[] payload = encoding == OtlpEncoding.Protobuf ? request.ToByteArray() : Encoding.UTF8.GetBytes(OtlpJson.Format(request));

        OtlpKafkaMessage message = OtlpKafkaDecoder.Decode(payload, encoding);

        Assert.Null(message.Error);
        Assert.Equal(["billing", "refund"], message.Events.Select(e => e.Outcome));
        Assert.Equal("lookup", Assert.Single(message.Events[0].ToolCalls).Name);
    }

    [Fact]
    public void Decode_JsonSentAsProto_ReturnsErrorForDeadLetter()
    {
        byte[] json = Encoding.UTF8.GetBytes(OtlpJson.Format(Request(Decision("00000000000000a1", "billing"))));

        OtlpKafkaMessage message = OtlpKafkaDecoder.Decode(json, OtlpEncoding.Protobuf);

        Assert.NotNull(message.Error);
        Assert.Empty(message.Events);
    }

    [Fact]
    public void ParseEncoding_UnknownName_Throws()
    {
        Assert.Throws<ArgumentException>(() => OtlpKafkaDecoder.ParseEncoding("otlp_yaml"));
    }
}
