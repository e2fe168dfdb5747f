// A small agent instrumented with the OpenTelemetry JS SDK: one invoke_agent span per routed ticket, with an
// execute_tool child, exported by @opentelemetry/exporter-trace-otlp-http (OTLP/HTTP JSON).
// Usage: node send-spans.mjs URL TOKEN BEFORE AFTER
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';

const [url, token, before, after] = process.argv.slice(2);
const exporter = new OTLPTraceExporter({ url, headers: { Authorization: `Bearer ${token}` } });
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({
    'service.name': 'billing-triage',
    'service.version': '3.1.0',
    'deployment.environment.name': 'production',
  }),
  spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 65536, maxExportBatchSize: 512, scheduledDelayMillis: 100 })],
});
const tracer = provider.getTracer('billing-triage-agent', '1.0.0');

const urgency = (i) => (i % 3 === 0 ? 'high' : 'low');
// Same deterministic behaviour as the .NET interop agent (OutcomeShift.cs): urgent tickets escalated, then misrouted.
function outcome(i, shifted) {
  const roll = Number((BigInt(i) * 2654435761n) % 4294967296n % 100n);
  if (urgency(i) === 'high') {
    return shifted ? (roll < 90 ? 'billing' : 'escalate') : (roll < 80 ? 'escalate' : 'billing');
  }
  return roll < 70 ? 'billing' : 'faq';
}

const total = Number(before) + Number(after);
for (let i = 0; i < total; i++) {
  const agent = tracer.startSpan('invoke_agent billing-triage', {
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'billing-triage',
      'gen_ai.request.model': 'm-small',
      'driftwatch.decision.name': 'route',
      'driftwatch.input.urgency': urgency(i),
      'gen_ai.usage.input_tokens': 120,
    },
  });
  const tool = tracer.startSpan('execute_tool lookup_invoice', {
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_invoice' },
  }, trace.setSpan(context.active(), agent));
  if (i % 10 === 0) {
    tool.setStatus({ code: SpanStatusCode.ERROR, message: 'invoice service timeout' });
  }
  tool.end();
  agent.setAttribute('driftwatch.decision.outcome', outcome(i, i >= Number(before)));
  agent.end();
}

await provider.forceFlush();
await provider.shutdown();
console.log(`sent ${total} decisions`);
