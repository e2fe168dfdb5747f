using System.Globalization;
using DriftWatch.Otlp.Proto.Common;

namespace DriftWatch.Otlp.Mapping;

/// <summary>Reads OTLP <see cref="AnyValue"/>s as the scalar types the decision contract has.</summary>
internal static class AttributeValues
{
    /// <summary>
    /// A categorical value: strings as they are, and booleans and integers in their invariant text form, since
    /// SDKs type attributes by the language value (a feature <c>tier=3</c> arrives as an int).
    /// </summary>
    public static string? AsString(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>A number: doubles and integers, and strings that parse as invariant numbers.</summary>
    public static double? AsNumber(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.StringValue when double.TryParse(value.StringValue, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        _ => null,
    };

    /// <summary>The first element of a string array (e.g. <c>gen_ai.response.finish_reasons</c>), or a plain string.</summary>
    public static string? FirstString(AnyValue? value)
    {
        if (value?.ValueCase == AnyValue.ValueOneofCase.ArrayValue)
        {
            foreach (AnyValue item in value.ArrayValue.Values)
            {
                if (AsString(item) is { Length: > 0 } s)
                {
                    return s;
                }
            }

            return null;
        }

        return AsString(value);
    }
}
