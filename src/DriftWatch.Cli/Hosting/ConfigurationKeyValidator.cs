using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace DriftWatch.Cli.Hosting;

/// <summary>
/// Finds configuration keys that no options class reads, inside the sections it is told about. The binder
/// ignores such keys silently, so a misspelt setting (<c>DRIFTWATCH_Api__BearerTokn</c>) would otherwise leave
/// its default in place without a word. Known keys are the public properties of the options classes, found by
/// reflection, so a property added later is known without touching this list; dictionaries and lists accept
/// any key or index. Sections it is not told about are left alone.
/// </summary>
internal sealed class ConfigurationKeyValidator
{
    private const int MaxDepth = 8;
    private readonly Dictionary<string, Shape> _sections = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Declares a section read by binding <paramref name="options"/>.</summary>
    public ConfigurationKeyValidator Section(string name, Type options)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        Merge(name, ShapeOf(options, 0));
        return this;
    }

    /// <summary>Declares a key (<c>Section:Sub:Key</c>) read by hand rather than bound, of the given type.</summary>
    public ConfigurationKeyValidator Key(string path, Type type)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(type);
        Merge(path, ShapeOf(type, 0));
        return this;
    }

    /// <summary>True when <paramref name="section"/> is one this validator knows.</summary>
    public bool IsKnownSection(string section) => _sections.ContainsKey(section);

    /// <summary>Every key of a known section that nothing reads, as full paths (<c>Api:Rollback:AllowedAgent</c>).</summary>
    public IReadOnlyList<string> UnknownKeys(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var unknown = new List<string>();
        foreach (var section in configuration.GetChildren())
        {
            if (_sections.TryGetValue(section.Key, out var shape))
            {
                Collect(section, shape, unknown);
            }
        }

        return unknown;
    }

    /// <summary>Throws when a known section holds a key nothing reads; the message names each one.</summary>
    /// <exception cref="InvalidOperationException">Unknown keys were found.</exception>
    public void ThrowIfUnknown(IConfiguration configuration)
    {
        var unknown = UnknownKeys(configuration);
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Unknown setting{(unknown.Count == 1 ? string.Empty : "s")}: {string.Join(", ", unknown)}. Nothing reads "
                + $"{(unknown.Count == 1 ? "it" : "them")}; check the spelling (environment variables: DRIFTWATCH_<Section>__<Key>) against docs/configuration.md.");
        }
    }

    private static void Collect(IConfigurationSection section, Shape shape, List<string> unknown)
    {
        foreach (var child in section.GetChildren())
        {
            if (shape.AnyKey is { } element)
            {
                Collect(child, element, unknown);
            }
            else if (shape.Children.TryGetValue(child.Key, out var known))
            {
                Collect(child, known, unknown);
            }
            else
            {
                unknown.Add(child.Path);
            }
        }
    }

    private void Merge(string path, Shape shape)
    {
        var parts = path.Split(':');
        if (!_sections.TryGetValue(parts[0], out var node))
        {
            node = parts.Length == 1 ? shape : new Shape();
            _sections[parts[0]] = node;
            if (parts.Length == 1)
            {
                return;
            }
        }

        for (var i = 1; i < parts.Length; i++)
        {
            if (i == parts.Length - 1)
            {
                node.Children[parts[i]] = node.Children.TryGetValue(parts[i], out var existing) ? existing.With(shape) : shape;
                return;
            }

            if (!node.Children.TryGetValue(parts[i], out var next))
            {
                next = new Shape();
                node.Children[parts[i]] = next;
            }

            node = next;
        }

        node.With(shape);
    }

    private static Shape ShapeOf(Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type) || depth > MaxDepth)
        {
            return new Shape();
        }

        if (ElementOf(type) is { } element)
        {
            return new Shape { AnyKey = ShapeOf(element, depth + 1) };
        }

        // Only DriftWatch's own options classes are walked; a framework type is set as one value.
        var shape = new Shape();
        if (type.Namespace?.StartsWith("DriftWatch", StringComparison.Ordinal) != true)
        {
            return shape;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            {
                shape.Children[property.Name] = ShapeOf(property.PropertyType, depth + 1);
            }
        }

        return shape;
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri);

    /// <summary>The value type of a dictionary or the element type of a list or array; null for other types.</summary>
    private static Type? ElementOf(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (candidate.IsGenericType)
            {
                var definition = candidate.GetGenericTypeDefinition();
                if (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
                {
                    return candidate.GetGenericArguments()[1];
                }
            }
        }

        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return typeof(IEnumerable).IsAssignableFrom(type) ? typeof(object) : null;
    }

    /// <summary>What may appear under one configuration path.</summary>
    private sealed class Shape
    {
        public Dictionary<string, Shape> Children { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>For dictionaries and lists: any key (or index) is allowed, each value shaped like this.</summary>
        public Shape? AnyKey { get; set; }

        public Shape With(Shape other)
        {
            foreach (var (key, child) in other.Children)
            {
                Children[key] = Children.TryGetValue(key, out var existing) ? existing.With(child) : child;
            }

            AnyKey ??= other.AnyKey;
            return this;
        }
    }
}
