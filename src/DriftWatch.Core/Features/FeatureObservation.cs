namespace DriftWatch.Core.Features;

/// <summary>
/// One value a decision event contributes to one feature. Categorical and conditional observations carry
/// <see cref="Category"/>, numeric ones <see cref="Number"/>, text ones the raw <see cref="Category"/> text.
/// </summary>
public readonly record struct FeatureObservation(string Feature, FeatureKind Kind, string? Category, double Number);
