using DriftWatch.Api.Security;

namespace DriftWatch.Api.Audit;

/// <summary>The audit record with every free-text field passed through <see cref="SecretRedactor"/>.</summary>
internal static class AuditRedaction
{
    public static AuditRecord Redact(AuditRecord record) => record with
    {
        Detail = record.Detail is null ? null : SecretRedactor.RedactText(record.Detail),
        Command = record.Command is { Reason.Summary: { } summary } command
            ? command with { Reason = command.Reason with { Summary = SecretRedactor.RedactText(summary) } }
            : record.Command,
    };
}
