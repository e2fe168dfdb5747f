namespace DriftWatch.Api.Tests.EndToEnd;

/// <summary>A fact that is skipped, with install instructions, when a server binary it needs is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresBinaryFactAttribute : FactAttribute
{
    public RequiresBinaryFactAttribute(params string[] binaries)
    {
        var missing = binaries.Where(static b => !File.Exists(b)).ToArray();
        if (missing.Length > 0)
        {
            Skip = $"Missing {string.Join(", ", missing)}; install the Debian packages prometheus and prometheus-alertmanager (sudo bash scripts/install-prerequisites.sh, or apt-get install prometheus prometheus-alertmanager).";
        }
    }
}
