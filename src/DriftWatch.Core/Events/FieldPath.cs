using System.Globalization;

namespace DriftWatch.Core.Events;

/// <summary>
/// A field's path for error messages (<c>input.features.urgency</c>, <c>tool_calls[2].name</c>), kept in
/// parts and joined only when an error is reported, so valid messages never pay for building it.
/// </summary>
internal readonly struct FieldPath(string parent, int index = -1, string? child = null)
{
    public static implicit operator FieldPath(string path) => new(path);

    /// <summary>The path of <paramref name="name"/> inside this one.</summary>
    public FieldPath Child(string name) => child is null ? new(parent, index, name) : new(ToString(), -1, name);

    public override string ToString()
    {
        string head = index < 0 ? parent : string.Create(CultureInfo.InvariantCulture, $"{parent}[{index}]");
        return child is null ? head : head + "." + child;
    }
}
