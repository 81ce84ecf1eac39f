using DefectApi.Tabular.Export;

namespace DefectApi.Tabular.Tests.Export;

/// <summary>The byte sequences of the protobuf encoding guide (protobuf.dev/programming-guides/encoding).</summary>
public class ProtobufWriterTests
{
    [Fact]
    public void AVarintFieldIsItsTagThenSevenBitGroupsLeastSignificantFirst()
    {
        var writer = new ProtobufWriter();
        writer.WriteInt64(1, 150);
        Assert.Equal([0x08, 0x96, 0x01], writer.ToArray());
    }

    [Fact]
    public void ANegativeInt64TakesTenBytes()
    {
        var writer = new ProtobufWriter();
        writer.WriteInt64(2, -1);
        Assert.Equal([0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], writer.ToArray());
    }

    [Fact]
    public void AStringIsLengthDelimitedUtf8()
    {
        var writer = new ProtobufWriter();
        writer.WriteString(2, "testing");
        Assert.Equal([0x12, 0x07, .. "testing"u8.ToArray()], writer.ToArray());
    }

    [Fact]
    public void AnEmbeddedMessageIsPrefixedWithItsLength()
    {
        var writer = new ProtobufWriter();
        writer.WriteMessage(3, inner => inner.WriteInt64(1, 150));
        Assert.Equal([0x1A, 0x03, 0x08, 0x96, 0x01], writer.ToArray());
    }

    [Fact]
    public void FloatsAreFixed32AndPackedNumbersShareOneLength()
    {
        var writer = new ProtobufWriter();
        writer.WriteFloat(2, 1f);
        writer.WritePackedInt64s(4, [3, 270, 86942]);
        Assert.Equal([0x15, 0x00, 0x00, 0x80, 0x3F, 0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05], writer.ToArray());
    }
}
