using System.Globalization;
using DriftWatch.Core.Detection;

namespace DriftWatch.Core.Tests.Detection;

public sealed class KeyedSlotsTests
{
    [Fact]
    public void TryGetValue_EqualStringOfAnotherInstance_FindsTheValue()
    {
        var slots = new KeyedSlots<int>();
        slots.Add("urgency", 7);

        // A key that was not pooled (escaped in the message, say) is a different object with the same text.
        Assert.True(slots.TryGetValue(new string("urgency".AsSpan()), out int value));
        Assert.Equal(7, value);
    }

    [Fact]
    public void TryGetValue_KeysBeyondTheReferenceScan_FindsEveryValue()
    {
        var slots = new KeyedSlots<int>();
        for (int i = 0; i < 40; i++)
        {
            slots.Add("key-" + i.ToString(CultureInfo.InvariantCulture), i);
        }

        Assert.Equal(40, slots.Count);
        for (int i = 0; i < 40; i++)
        {
            Assert.True(slots.TryGetValue("key-" + i.ToString(CultureInfo.InvariantCulture), out int value));
            Assert.Equal(i, value);
        }

        Assert.False(slots.TryGetValue("key-40", out _));
    }

    [Fact]
    public void Add_KeyPresent_Throws()
    {
        var slots = new KeyedSlots<string>();
        slots.Add("model", "first");

        Assert.Throws<ArgumentException>(() => slots.Add(new string("model".AsSpan()), "second"));
        Assert.True(slots.TryGetValue("model", out string? value));
        Assert.Equal("first", value);
    }

    [Fact]
    public void IndexOf_SameLabelAsAnotherInstance_GivesTheFirstIndex()
    {
        var index = new CategoryIndex(4);
        Assert.Equal(0, index.IndexOf("billing"));
        Assert.Equal(1, index.IndexOf("shipping"));

        Assert.Equal(0, index.IndexOf(new string("billing".AsSpan())));
        Assert.Equal(1, index.IndexOf("shipping"));
        Assert.Equal(2, index.Slots);
    }
}
