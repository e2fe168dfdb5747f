namespace DriftWatch.Otlp.Mapping;

/// <summary>
/// Attribute names the span mapping reads (docs/contracts.md, "OpenTelemetry spans"): DriftWatch's own
/// <c>driftwatch.*</c> attributes and the OpenTelemetry GenAI semantic conventions.
/// </summary>
public static class SpanAttributes
{
    public const string DecisionName = "driftwatch.decision.name";
    public const string DecisionOutcome = "driftwatch.decision.outcome";
    public const string DecisionConfidence = "driftwatch.decision.confidence";
    public const string InputText = "driftwatch.input.text";
    public const string InputFeaturePrefix = "driftwatch.input.";
    public const string OutputText = "driftwatch.output.text";
    public const string OutputSentiment = "driftwatch.output.sentiment";
    public const string LabelPrefix = "driftwatch.label.";
    public const string MetricPrefix = "driftwatch.metric.";
    public const string StateVersion = "driftwatch.state_version";
    public const string ParentAgentId = "driftwatch.parent_agent.id";

    public const string OperationName = "gen_ai.operation.name";
    public const string AgentId = "gen_ai.agent.id";
    public const string AgentName = "gen_ai.agent.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string ToolName = "gen_ai.tool.name";
    public const string FinishReasons = "gen_ai.response.finish_reasons";
    public const string InputMessages = "gen_ai.input.messages";
    public const string OutputMessages = "gen_ai.output.messages";

    public const string InvokeAgent = "invoke_agent";
    public const string ExecuteTool = "execute_tool";

    public const string ServiceName = "service.name";
    public const string ServiceVersion = "service.version";
    public const string DeploymentEnvironmentName = "deployment.environment.name";

    /// <summary>The attribute older semantic conventions used before <c>deployment.environment.name</c>.</summary>
    public const string DeploymentEnvironment = "deployment.environment";
}
