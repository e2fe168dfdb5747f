using System.Text.Json;

namespace DriftWatch.Api.Rollback;

/// <summary>Serializes <see cref="RollbackCommand"/> as the <c>driftwatch.rollback/v1</c> JSON document.</summary>
public static class RollbackJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);

    /// <summary>The command as UTF-8 JSON.</summary>
    public static byte[] Serialize(RollbackCommand command) => JsonSerializer.SerializeToUtf8Bytes(command, Options);

    /// <summary>The command as a JSON string.</summary>
    public static string SerializeToString(RollbackCommand command) => JsonSerializer.Serialize(command, Options);

    /// <summary>Reads a command; throws <see cref="JsonException"/> when the document is not one.</summary>
    public static RollbackCommand Deserialize(ReadOnlySpan<byte> json)
    {
        var command = JsonSerializer.Deserialize<RollbackCommand>(json, Options)
            ?? throw new JsonException("A rollback command must be a JSON object.");
        if (command.Schema != RollbackCommand.SchemaId)
        {
            throw new JsonException($"Expected schema {RollbackCommand.SchemaId}, got '{command.Schema}'.");
        }

        return command;
    }
}
